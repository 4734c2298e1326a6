#include "lab/sim/phone/load_manifest.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>

#include "drivers/wire/sip_digest.hpp"

namespace phonerig::sim::phone {
namespace {

std::vector<std::string> fields_of(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) out.emplace_back(line.substr(start, i - start));
  }
  return out;
}

bool is_hex64(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool safe_name(const std::string& name) {
  return !name.empty() && name.find('/') == std::string::npos && name != "." && name != ".." &&
         name.find('\\') == std::string::npos;
}

}  // namespace

ManifestResult parse_manifest(std::string_view text) {
  LoadManifest manifest;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  auto fail = [&](const std::string& why) {
    return ManifestResult{std::nullopt, "line " + std::to_string(line_no) + ": " + why};
  };
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const auto fields = fields_of(line);
    if (fields.empty()) continue;
    if (fields[0] == "load") {
      if (fields.size() != 2) return fail("load takes one value");
      if (!manifest.load.empty()) return fail("a second load line");
      manifest.load = fields[1];
    } else if (fields[0] == "part") {
      if (fields.size() != 4) return fail("part takes name, size, sha256");
      LoadPart part;
      part.name = fields[1];
      if (!safe_name(part.name)) return fail("part name '" + part.name + "' is not a plain file name");
      const std::string& size = fields[2];
      auto [ptr, ec] = std::from_chars(size.data(), size.data() + size.size(), part.size);
      if (ec != std::errc{} || ptr != size.data() + size.size()) return fail("size is not a number");
      part.sha256 = fields[3];
      std::transform(part.sha256.begin(), part.sha256.end(), part.sha256.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (!is_hex64(part.sha256)) return fail("sha256 is not 64 hex digits");
      manifest.parts.push_back(std::move(part));
    } else {
      return fail("unknown record '" + fields[0] + "'");
    }
  }
  line_no = 0;
  if (manifest.load.empty()) return fail("no load line");
  if (manifest.parts.empty()) return fail("no part line");
  return {std::move(manifest), {}};
}

std::string build_manifest(const LoadManifest& manifest) {
  std::ostringstream out;
  out << "# phonerig simulated load manifest\nload " << manifest.load << "\n";
  for (const auto& part : manifest.parts) {
    out << "part " << part.name << " " << part.size << " " << part.sha256 << "\n";
  }
  return out.str();
}

std::string sha256_hex(wire::Bytes data) {
  return wire::sip::digest_hash(wire::sip::DigestAlgorithm::sha256, wire::as_string_view(data));
}

std::string check_part(const LoadPart& part, wire::Bytes data) {
  if (data.size() != part.size) {
    return part.name + ": size " + std::to_string(data.size()) + ", manifest says " +
           std::to_string(part.size);
  }
  if (sha256_hex(data) != part.sha256) return part.name + ": SHA-256 differs from the manifest";
  return {};
}

}  // namespace phonerig::sim::phone
