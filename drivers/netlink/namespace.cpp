#include "drivers/netlink/namespace.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>

#include "drivers/netlink/error.hpp"
#include "drivers/netlink/naming.hpp"

namespace phonerig::netlink {

namespace {

// This thread's namespace: /proc/self is the thread group leader, which may be elsewhere.
constexpr const char* kThreadNetns = "/proc/thread-self/ns/net";

std::string netns_object(std::string_view name) { return "netns '" + std::string(name) + "'"; }

// As ip netns add: /run/netns becomes a shared mount point (bind-mounted onto itself the
// first time), so names created here appear in mount namespaces made later, and those of
// `ip netns exec` see ours.
api::Result<bool> prepare_netns_dir() {
  const std::string dir(kNetnsDir);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return wire::unexpected(os_error("create directory", dir, errno));
  }
  bool bound = false;
  while (::mount("", dir.c_str(), "none", MS_SHARED | MS_REC, nullptr) != 0) {
    if (errno != EINVAL || bound) {
      return wire::unexpected(os_error("make shared mount", dir, errno));
    }
    if (::mount(dir.c_str(), dir.c_str(), "none", MS_BIND | MS_REC, nullptr) != 0) {
      return wire::unexpected(os_error("bind mount onto itself", dir, errno));
    }
    bound = true;
  }
  return true;
}

}  // namespace

std::string netns_path(std::string_view name) {
  return std::string(kNetnsDir) + "/" + std::string(name);
}

bool netns_exists(std::string_view name) {
  struct stat info {};
  return ::stat(netns_path(name).c_str(), &info) == 0;
}

api::Result<UniqueFd> open_netns(std::string_view name) {
  PHONERIG_CHECK(check_netns_name(name));
  UniqueFd fd(::open(netns_path(name).c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return wire::unexpected(os_error("open", netns_object(name), errno));
  return fd;
}

api::Result<UniqueFd> open_current_netns() {
  UniqueFd fd(::open(kThreadNetns, O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return wire::unexpected(os_error("open", kThreadNetns, errno));
  return fd;
}

api::Result<bool> create_netns(std::string_view name) {
  PHONERIG_CHECK(check_netns_name(name));
  const std::string object = netns_object(name);
  const std::string path = netns_path(name);
  PHONERIG_CHECK(prepare_netns_dir());
  PHONERIG_TRY(UniqueFd original, open_current_netns());

  UniqueFd mount_point(::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0));
  if (!mount_point.valid()) return wire::unexpected(os_error("create", object, errno));
  mount_point.reset();

  if (::unshare(CLONE_NEWNET) != 0) {
    int error = errno;
    ::unlink(path.c_str());
    return wire::unexpected(os_error("create (unshare)", object, error));
  }
  int mount_error = ::mount(kThreadNetns, path.c_str(), "none", MS_BIND, nullptr) == 0 ? 0 : errno;
  if (::setns(original.get(), CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "phonerig: cannot return this thread from new netns '%.*s': %s\n",
                 static_cast<int>(name.size()), name.data(), std::strerror(errno));
    std::terminate();
  }
  if (mount_error != 0) {
    ::unlink(path.c_str());
    return wire::unexpected(os_error("create (bind mount)", object, mount_error));
  }
  return true;
}

api::Result<bool> remove_netns(std::string_view name) {
  PHONERIG_CHECK(check_netns_name(name));
  const std::string path = netns_path(name);
  bool mounted = ::umount2(path.c_str(), MNT_DETACH) == 0;
  if (!mounted && errno != EINVAL && errno != ENOENT) {
    return wire::unexpected(os_error("remove (unmount)", netns_object(name), errno));
  }
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return mounted;
    return wire::unexpected(os_error("remove (unlink)", netns_object(name), errno));
  }
  return true;
}

api::Result<NamespaceGuard> NamespaceGuard::enter(std::string_view name) {
  PHONERIG_TRY(UniqueFd target, open_netns(name));
  return enter(target.get(), netns_object(name));
}

api::Result<NamespaceGuard> NamespaceGuard::enter(int netns_fd, std::string_view what) {
  PHONERIG_TRY(UniqueFd original, open_current_netns());
  if (::setns(netns_fd, CLONE_NEWNET) != 0) {
    return wire::unexpected(os_error("enter", what, errno));
  }
  return NamespaceGuard(std::move(original), std::string(what));
}

NamespaceGuard::~NamespaceGuard() {
  if (!original_.valid()) return;
  if (::setns(original_.get(), CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "phonerig: cannot return this thread from %s: %s\n", what_.c_str(),
                 std::strerror(errno));
    std::terminate();
  }
}

}  // namespace phonerig::netlink
