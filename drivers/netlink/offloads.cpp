#include "drivers/netlink/offloads.hpp"

#include <fnmatch.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "drivers/netlink/error.hpp"
#include "drivers/netlink/naming.hpp"

namespace phonerig::netlink {

namespace {

struct Group {
  const char* name;     // as `ethtool -k` prints it
  const char* pattern;  // the feature names it covers (ethtool.c, off_flag_def)
  std::optional<bool> api::Offloads::*wanted;
  bool OffloadState::*state;
};

constexpr std::array kGroups = {
    Group{"rx-checksumming", "rx-checksum", &api::Offloads::rx_checksum,
          &OffloadState::rx_checksum},
    Group{"tx-checksumming", "tx-checksum-*", &api::Offloads::tx_checksum,
          &OffloadState::tx_checksum},
    Group{"tcp-segmentation-offload", "tx-tcp*-segmentation", &api::Offloads::tso,
          &OffloadState::tso},
    Group{"generic-segmentation-offload", "tx-generic-segmentation", &api::Offloads::gso,
          &OffloadState::gso},
    Group{"generic-receive-offload", "rx-gro", &api::Offloads::gro, &OffloadState::gro},
};

// The ioctl's variable-length structs live in 8-byte-aligned storage.
class IoctlBuffer {
 public:
  explicit IoctlBuffer(std::size_t bytes) : words_((bytes + 7) / 8, 0) {}
  template <class T>
  T* as() {
    return reinterpret_cast<T*>(words_.data());
  }

 private:
  std::vector<std::uint64_t> words_;
};

struct Features {
  std::vector<std::string> names;                     // feature i is bit i % 32 of block i / 32
  std::vector<ethtool_get_features_block> blocks;

  bool active(std::size_t i) const { return (blocks[i / 32].active >> (i % 32)) & 1u; }
  bool changeable(std::size_t i) const { return (blocks[i / 32].available >> (i % 32)) & 1u; }
};

bool in_group(const Group& group, const std::string& feature) {
  return ::fnmatch(group.pattern, feature.c_str(), 0) == 0;
}

class Device {
 public:
  Device(int socket_fd, std::string_view link, std::string_view where)
      : fd_(socket_fd), link_(link), object_("link '" + std::string(link) + "'" + std::string(where)) {}

  api::Result<bool> call(void* request, std::string_view operation) const {
    ifreq interface{};
    std::memcpy(interface.ifr_name, link_.data(), link_.size());  // checked: at most 15 bytes
    interface.ifr_data = static_cast<char*>(request);
    if (::ioctl(fd_, SIOCETHTOOL, &interface) < 0) {
      return wire::unexpected(os_error(operation, object_, errno));
    }
    return true;
  }

  api::Result<Features> features() const {
    IoctlBuffer info(sizeof(ethtool_sset_info) + sizeof(std::uint32_t));
    info.as<ethtool_sset_info>()->cmd = ETHTOOL_GSSET_INFO;
    info.as<ethtool_sset_info>()->sset_mask = 1ull << ETH_SS_FEATURES;
    PHONERIG_CHECK(call(info.as<void>(), "count features (SIOCETHTOOL GSSET_INFO) of"));
    const std::uint32_t count = info.as<ethtool_sset_info>()->data[0];

    IoctlBuffer strings(sizeof(ethtool_gstrings) + std::size_t{count} * ETH_GSTRING_LEN);
    strings.as<ethtool_gstrings>()->cmd = ETHTOOL_GSTRINGS;
    strings.as<ethtool_gstrings>()->string_set = ETH_SS_FEATURES;
    strings.as<ethtool_gstrings>()->len = count;
    PHONERIG_CHECK(call(strings.as<void>(), "name features (SIOCETHTOOL GSTRINGS) of"));

    const std::uint32_t block_count = (count + 31) / 32;
    IoctlBuffer state(sizeof(ethtool_gfeatures) +
                      block_count * sizeof(ethtool_get_features_block));
    state.as<ethtool_gfeatures>()->cmd = ETHTOOL_GFEATURES;
    state.as<ethtool_gfeatures>()->size = block_count;
    PHONERIG_CHECK(call(state.as<void>(), "read features (SIOCETHTOOL GFEATURES) of"));

    Features features;
    const auto* text = reinterpret_cast<const char*>(strings.as<ethtool_gstrings>()->data);
    for (std::uint32_t i = 0; i < count; ++i) {
      const char* name = text + std::size_t{i} * ETH_GSTRING_LEN;
      features.names.emplace_back(name, ::strnlen(name, ETH_GSTRING_LEN));
    }
    const auto* blocks = state.as<ethtool_gfeatures>()->features;
    features.blocks.assign(blocks, blocks + block_count);
    return features;
  }

  const std::string& object() const { return object_; }

 private:
  int fd_;
  std::string_view link_;
  std::string object_;
};

// An ETHTOOL_SFEATURES request for the device's blocks, nothing changed yet: a feature is
// changed by setting its `valid` bit, turned on by also setting its `requested` bit.
class SetRequest {
 public:
  explicit SetRequest(const Features& features)
      : buffer_(sizeof(ethtool_sfeatures) +
                features.blocks.size() * sizeof(ethtool_set_features_block)) {
    get()->cmd = ETHTOOL_SFEATURES;
    get()->size = static_cast<std::uint32_t>(features.blocks.size());
  }
  ethtool_sfeatures* get() { return buffer_.as<ethtool_sfeatures>(); }

 private:
  IoctlBuffer buffer_;
};

OffloadState state_of(const Features& features) {
  OffloadState state;
  for (const Group& group : kGroups) {
    for (std::size_t i = 0; i < features.names.size(); ++i) {
      if (in_group(group, features.names[i]) && features.active(i)) state.*group.state = true;
    }
  }
  return state;
}

}  // namespace

api::Result<OffloadState> read_offloads(int socket_fd, std::string_view link,
                                        std::string_view where) {
  PHONERIG_CHECK(check_link_name(link));
  PHONERIG_TRY(Features features, Device(socket_fd, link, where).features());
  return state_of(features);
}

api::Result<bool> features_off(int socket_fd, std::string_view link,
                               std::span<const char* const> patterns, std::string_view where) {
  PHONERIG_CHECK(check_link_name(link));
  Device device(socket_fd, link, where);
  PHONERIG_TRY(Features features, device.features());
  SetRequest request(features);
  auto* set = request.get();
  bool any = false;
  for (std::size_t i = 0; i < features.names.size(); ++i) {
    if (!features.changeable(i)) continue;
    for (const char* pattern : patterns) {
      if (::fnmatch(pattern, features.names[i].c_str(), 0) != 0) continue;
      set->features[i / 32].valid |= 1u << (i % 32);  // requested bit 0: off
      any = true;
    }
  }
  if (!any) return true;
  PHONERIG_CHECK(device.call(set, "turn offloads off (SIOCETHTOOL SFEATURES) of"));
  return true;
}

api::Result<OffloadState> write_offloads(int socket_fd, std::string_view link,
                                         const api::Offloads& wanted, std::string_view where) {
  PHONERIG_CHECK(check_link_name(link));
  Device device(socket_fd, link, where);
  PHONERIG_TRY(Features features, device.features());

  SetRequest request(features);
  auto* set = request.get();
  std::string changed;
  for (const Group& group : kGroups) {
    const std::optional<bool>& want = wanted.*group.wanted;
    if (!want) continue;
    for (std::size_t i = 0; i < features.names.size(); ++i) {
      if (!in_group(group, features.names[i]) || !features.changeable(i)) continue;
      const std::uint32_t bit = 1u << (i % 32);
      set->features[i / 32].valid |= bit;
      if (*want) set->features[i / 32].requested |= bit;
    }
    changed += std::string(changed.empty() ? "" : ", ") + group.name + (*want ? " on" : " off");
  }
  // A positive answer (ETHTOOL_F_WISH...) means "not all as asked": the read-back says which.
  PHONERIG_CHECK(device.call(set, "set " + changed + " (SIOCETHTOOL SFEATURES) of"));

  PHONERIG_TRY(Features after, device.features());
  OffloadState state = state_of(after);
  for (const Group& group : kGroups) {
    const std::optional<bool>& want = wanted.*group.wanted;
    if (want && state.*group.state != *want) {
      return wire::unexpected(rig_error(
          std::string(*want ? "turn on " : "turn off ") + group.name + " of", device.object(),
          std::string("the kernel keeps it ") + (*want ? "off" : "on") +
              " (a fixed feature of this device, or one it depends on is off)"));
    }
  }
  return state;
}

}  // namespace phonerig::netlink
