#include "drivers/api/link_control.hpp"

namespace phonerig::api {

std::string Ipv4Prefix::to_string() const {
  return address.to_string() + "/" + std::to_string(length);
}

Offloads Offloads::all_off() {
  Offloads off;
  off.tx_checksum = false;
  off.rx_checksum = false;
  off.tso = false;
  off.gso = false;
  off.gro = false;
  return off;
}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (held_) (void)held_->release();
    held_ = std::move(other.held_);
  }
  return *this;
}

Lease::~Lease() {
  if (held_) (void)held_->release();
}

Result<bool> Lease::release() {
  if (!held_) return true;
  auto released = held_->release();
  if (released) held_.reset();
  return released;
}

const std::string& Lease::name() const { return held_->name(); }

std::string Lease::describe() const { return held_ ? held_->describe() : "nothing"; }

}  // namespace phonerig::api
