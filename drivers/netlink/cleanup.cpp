#include "drivers/netlink/cleanup.hpp"

#include <map>
#include <memory>

#include "drivers/netlink/ledger.hpp"
#include "drivers/netlink/namespace.hpp"
#include "drivers/netlink/objects.hpp"
#include "drivers/netlink/session.hpp"

namespace phonerig::netlink {

api::Result<CleanupReport> cleanup_ledger(const std::filesystem::path& path) {
  PHONERIG_TRY(LedgerContents contents, read_ledger(path));
  CleanupReport report;
  report.unreadable = std::move(contents.unreadable);
  if (contents.live.empty()) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return report;
  }
  PHONERIG_TRY(std::shared_ptr<Ledger> ledger, Ledger::open(path));

  std::map<std::string, std::shared_ptr<Session>> sessions;  // by namespace name
  std::vector<std::string> failures;
  for (auto it = contents.live.rbegin(); it != contents.live.rend(); ++it) {
    const LedgerEntry& entry = *it;
    std::shared_ptr<Session> session;
    if (entry.kind != ObjectKind::netns) {
      // The namespace went, and everything in it with it.
      if (!entry.netns.empty() && !netns_exists(entry.netns)) {
        ++report.already_gone;
        (void)ledger->removed(entry);
        continue;
      }
      auto& cached = sessions[entry.netns];
      if (!cached) {
        auto opened = Session::open(entry.netns);
        if (!opened) {
          failures.push_back(opened.error().message);
          continue;
        }
        cached = *opened;
      }
      session = cached;
    } else {
      // Our own sockets must not keep a namespace alive once its name is gone.
      sessions.erase(entry.name);
    }
    auto removed = remove_object(session.get(), entry);
    if (!removed) {
      failures.push_back(removed.error().message);
      continue;
    }
    ++(*removed == Removal::removed ? report.removed : report.already_gone);
    (void)ledger->removed(entry);
  }
  if (!failures.empty()) {
    std::string message = "cleanup of ledger " + path.string() + ": " +
                          std::to_string(failures.size()) + " object(s) remain";
    for (const std::string& failure : failures) message += "; " + failure;
    return api::fail(api::Fault::rig, std::move(message));
  }
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  return report;
}

}  // namespace phonerig::netlink
