// What a netlink lease holds: a ledger entry, the session of the namespace it lives in, and
// the ledger it is recorded in. Releasing removes the object, then records the removal; if
// recording fails the object is still gone, and the next cleanup counts it as such.
#pragma once

#include <memory>
#include <string>

#include "drivers/api/link_control.hpp"
#include "drivers/netlink/ledger.hpp"
#include "drivers/netlink/session.hpp"

namespace phonerig::netlink {

class Owned final : public api::Lease::Held {
 public:
  // `session` may be null for a namespace, which needs none to be removed.
  Owned(std::shared_ptr<Session> session, std::shared_ptr<Ledger> ledger, LedgerEntry entry);

  const std::string& name() const override { return label_; }
  std::string describe() const override { return entry_.describe(); }
  api::Result<bool> release() override;

  const LedgerEntry& entry() const { return entry_; }
  const std::shared_ptr<Session>& session() const { return session_; }
  // The link moved to another namespace: remove it there from now on.
  void moved(std::shared_ptr<Session> session, LedgerEntry entry);

 private:
  std::shared_ptr<Session> session_;
  std::shared_ptr<Ledger> ledger_;
  LedgerEntry entry_;
  std::string label_;
  bool released_ = false;
};

}  // namespace phonerig::netlink
