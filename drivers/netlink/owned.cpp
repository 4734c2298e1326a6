#include "drivers/netlink/owned.hpp"

#include "drivers/netlink/objects.hpp"

namespace phonerig::netlink {

Owned::Owned(std::shared_ptr<Session> session, std::shared_ptr<Ledger> ledger, LedgerEntry entry)
    : session_(std::move(session)),
      ledger_(std::move(ledger)),
      entry_(std::move(entry)),
      label_(entry_.label()) {}

api::Result<bool> Owned::release() {
  if (released_) return true;
  PHONERIG_CHECK(remove_object(session_.get(), entry_));
  released_ = true;
  (void)ledger_->removed(entry_);  // a stale line only reads as "already gone" next time
  session_.reset();  // its sockets keep the namespace alive
  return true;
}

void Owned::moved(std::shared_ptr<Session> session, LedgerEntry entry) {
  session_ = std::move(session);
  entry_ = std::move(entry);
  label_ = entry_.label();
}

}  // namespace phonerig::netlink
