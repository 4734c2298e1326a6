#include "drivers/services/config/xml_bytes.hpp"

#include <string>

namespace phonerig::services::config::detail {

namespace {

// pugixml hands the serialised document to a writer in chunks; this one appends them.
class ByteWriter final : public pugi::xml_writer {
 public:
  explicit ByteWriter(FileBytes& out) : out_(out) {}
  void write(const void* data, size_t size) override {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    out_.insert(out_.end(), bytes, bytes + size);
  }

 private:
  FileBytes& out_;
};

}  // namespace

FileBytes to_bytes(pugi::xml_document& doc) {
  pugi::xml_node decl = doc.prepend_child(pugi::node_declaration);
  decl.append_attribute("version").set_value("1.0");
  decl.append_attribute("encoding").set_value("UTF-8");
  FileBytes out;
  ByteWriter writer(out);
  doc.save(writer, "  ", pugi::format_default, pugi::encoding_utf8);
  return out;
}

}  // namespace phonerig::services::config::detail
