// The phone config generator: every generated file parsed back with pugixml, field by field;
// the shape of reference section 7.1's compact example; escaping; names; write_files.
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "drivers/services/config/phone_config.hpp"
#include "tests/support/pcap_file.hpp"

namespace phonerig::services::config {
namespace {

const wire::Mac kPhoneMac{{0x00, 0x1b, 0x53, 0x48, 0x9e, 0xe0}};
const wire::Mac kPhone2Mac{{0xc8, 0x00, 0x84, 0xaa, 0x87, 0x43}};

Config lab_config() {
  Config c;
  // Listed out of order: the files must list them by priority.
  c.call_managers = {
      CallManager{"cm-b", "198.18.0.11", 5070, 5071, 1},
      CallManager{"cm-a", "198.18.0.10", 5060, 5061, 0},
      CallManager{"cm-c", "198.18.0.12", 5080, 5081, 2},
  };
  c.loads = {ModelLoad{"Cisco 8851", 684, "sip88xx.14-2-1-0001-14"},
             ModelLoad{"Cisco 7821", 621, "sip78xx.14-2-1-0001-14"}};
  c.dial_template = "dialplan.xml";
  c.dial_rules = {DialRule{"9,.......", 0, "Phone"}, DialRule{"*", 5, "IP"}};
  c.softkey_file = "softkeys.xml";
  c.rings = {Ring{"Chirp 1", "Chirp1.raw"}, Ring{"Analog <1>", "Analog1.raw"}};
  Phone p;
  p.mac = kPhoneMac;
  p.model = "Cisco 8851";
  p.description = "Lab phone 1003";
  p.load_id = "sip88xx.12-0-1MN-113";
  p.lines = {Line{"1003", "auth1003", "Lab 1003", "s3cr3t", "", "USECALLMANAGER", 5060},
             Line{"1004", "auth1004", "Lab 1004", "pw4", "c1004", "USECALLMANAGER", 5060}};
  c.phones.push_back(p);
  Phone q;
  q.mac = kPhone2Mac;
  q.model = "Cisco 7821";  // no load id: the model's load
  q.description = "Lab phone 2001";
  q.lines = {Line{"2001", "2001", "Lab 2001", "pw", "", "USECALLMANAGER", 5060}};
  c.phones.push_back(q);
  return c;
}

pugi::xml_document parse(const FileBytes& bytes) {
  pugi::xml_document doc;
  const pugi::xml_parse_result r =
      doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default | pugi::parse_declaration);
  EXPECT_TRUE(r) << r.description() << " at " << r.offset;
  return doc;
}

std::string text(const pugi::xml_node& root, const char* xpath) {
  const pugi::xpath_node n = root.select_node(xpath);
  EXPECT_TRUE(n) << "missing " << xpath;
  return n ? n.node().text().get() : std::string("<missing>");
}

std::string as_string(const FileBytes& bytes) { return {bytes.begin(), bytes.end()}; }

// Every element path (a/b/c, attributes as @name) in a document, without repeats.
void collect_paths(const pugi::xml_node& node, const std::string& prefix,
                   std::set<std::string>& out) {
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string path = prefix + "/" + child.name();
    out.insert(path);
    for (const pugi::xml_attribute& a : child.attributes()) out.insert(path + "/@" + a.name());
    collect_paths(child, path, out);
  }
}

TEST(PhoneConfig, NamesTheDeviceFileWithTheUpperCaseMac) {
  EXPECT_EQ(device_config_name(kPhoneMac), "SEP001B53489EE0.cnf.xml");
  EXPECT_EQ(device_config_name(kPhone2Mac), "SEPC80084AA8743.cnf.xml");
}

TEST(PhoneConfig, GeneratesEveryFileTheSequenceAsksFor) {
  auto files = generate(lab_config());
  ASSERT_TRUE(files) << files.error().message;
  std::set<std::string> names;
  for (const auto& [name, bytes] : *files) {
    names.insert(name);
    EXPECT_FALSE(bytes.empty()) << name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"SEP001B53489EE0.cnf.xml", "SEPC80084AA8743.cnf.xml",
                                          "XMLDefault.cnf.xml", "dialplan.xml", "softkeys.xml",
                                          "RingList.xml", "DistinctiveRingList.xml"}));
}

TEST(PhoneConfig, DeviceFileCarriesEveryField) {
  const Config c = lab_config();
  auto files = generate(c);
  ASSERT_TRUE(files);
  const FileBytes& bytes = files->at("SEP001B53489EE0.cnf.xml");
  EXPECT_EQ(as_string(bytes).rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  pugi::xml_document doc = parse(bytes);
  const pugi::xml_node d = doc.child("device");
  ASSERT_TRUE(d);
  EXPECT_EQ(text(d, "fullConfig"), "true");
  EXPECT_EQ(text(d, "deviceProtocol"), "SIP");
  EXPECT_EQ(text(d, "description"), "Lab phone 1003");
  EXPECT_EQ(text(d, "loadInformation"), "sip88xx.12-0-1MN-113");
  EXPECT_EQ(text(d, "sipProfile/sipProxies/registerWithProxy"), "true");
  EXPECT_EQ(text(d, "sipProfile/sipStack/timerRegisterExpires"), "3600");
  EXPECT_EQ(text(d, "sipProfile/sipStack/timerRegisterDelta"), "5");
  EXPECT_EQ(text(d, "sipProfile/sipStack/timerKeepAliveExpires"), "120");
  EXPECT_EQ(text(d, "sipProfile/sipStack/timerT1"), "500");
  EXPECT_EQ(text(d, "sipProfile/sipStack/timerT2"), "4000");
  EXPECT_EQ(text(d, "sipProfile/dialTemplate"), "dialplan.xml");
  EXPECT_EQ(text(d, "sipProfile/softKeyFile"), "softkeys.xml");
  EXPECT_EQ(text(d, "commonProfile/phonePassword"), "");
  EXPECT_EQ(text(d, "vendorConfig/enableCdpSwPort"), "1");
  EXPECT_EQ(text(d, "vendorConfig/enableLldpSwPort"), "1");
  EXPECT_EQ(text(d, "versionStamp"), "phonerig-1");
  EXPECT_EQ(text(d, "userLocale/name"), "English_United_States");
  EXPECT_EQ(text(d, "userLocale/uid"), "1");
  EXPECT_EQ(text(d, "userLocale/langCode"), "en_US");
  EXPECT_EQ(text(d, "userLocale/version"), "1.0.0.0-1");
  EXPECT_EQ(text(d, "userLocale/winCharSet"), "utf-8");
  EXPECT_EQ(text(d, "networkLocale"), "United_States");
  EXPECT_EQ(text(d, "networkLocaleInfo/name"), "United_States");
  EXPECT_EQ(text(d, "networkLocaleInfo/version"), "1.0.0.0-1");
  EXPECT_EQ(text(d, "deviceSecurityMode"), "1");
  EXPECT_EQ(text(d, "transportLayerProtocol"), "1");

  const auto lines = d.select_nodes("sipProfile/sipLines/line");
  ASSERT_EQ(lines.size(), 2u);
  const Phone& p = c.phones[0];
  for (std::size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE("line " + std::to_string(i + 1));
    const pugi::xml_node line = lines[i].node();
    const Line& l = p.lines[i];
    EXPECT_EQ(line.attribute("button").as_int(), static_cast<int>(i + 1));
    EXPECT_EQ(line.attribute("lineIndex").as_int(), static_cast<int>(i + 1));
    EXPECT_EQ(text(line, "featureID"), "9");
    EXPECT_EQ(text(line, "featureLabel"), l.directory_number);
    EXPECT_EQ(text(line, "proxy"), "USECALLMANAGER");
    EXPECT_EQ(text(line, "port"), "5060");
    EXPECT_EQ(text(line, "name"), l.directory_number);
    EXPECT_EQ(text(line, "displayName"), l.display_name);
    EXPECT_EQ(text(line, "authName"), l.auth_name);
    EXPECT_EQ(text(line, "authPassword"), l.password);
    EXPECT_EQ(text(line, "contact"), l.contact.empty() ? l.directory_number : l.contact);
  }
}

TEST(PhoneConfig, PhoneWithoutLoadIdGetsItsModelsLoad) {
  auto files = generate(lab_config());
  ASSERT_TRUE(files);
  pugi::xml_document doc = parse(files->at("SEPC80084AA8743.cnf.xml"));
  EXPECT_EQ(text(doc.child("device"), "loadInformation"), "sip78xx.14-2-1-0001-14");
}

void expect_members_in_priority_order(const pugi::xml_node& group) {
  const auto members = group.select_nodes("members/member");
  ASSERT_EQ(members.size(), 3u);
  const char* names[] = {"cm-a", "cm-b", "cm-c"};
  const char* addresses[] = {"198.18.0.10", "198.18.0.11", "198.18.0.12"};
  const char* sip[] = {"5060", "5070", "5080"};
  const char* secure[] = {"5061", "5071", "5081"};
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE("member " + std::to_string(i));
    const pugi::xml_node m = members[i].node();
    EXPECT_EQ(m.attribute("priority").as_int(-1), static_cast<int>(i));
    EXPECT_EQ(text(m, "callManager/name"), names[i]);
    EXPECT_EQ(text(m, "callManager/ports/sipPort"), sip[i]);
    EXPECT_EQ(text(m, "callManager/ports/securedSipPort"), secure[i]);
    EXPECT_EQ(text(m, "callManager/processNodeName"), addresses[i]);
  }
}

TEST(PhoneConfig, CallManagerMembersComeInPriorityOrder) {
  auto files = generate(lab_config());
  ASSERT_TRUE(files);
  pugi::xml_document dev = parse(files->at("SEP001B53489EE0.cnf.xml"));
  expect_members_in_priority_order(dev.child("device").child("devicePool").child("callManagerGroup"));
  pugi::xml_document def = parse(files->at("XMLDefault.cnf.xml"));
  expect_members_in_priority_order(def.child("Default").child("callManagerGroup"));
}

TEST(PhoneConfig, DefaultFileListsTheLoadOfEachModel) {
  auto files = generate(lab_config());
  ASSERT_TRUE(files);
  pugi::xml_document doc = parse(files->at("XMLDefault.cnf.xml"));
  const pugi::xml_node root = doc.child("Default");
  ASSERT_TRUE(root);
  const pugi::xml_node l684 = root.child("loadInformation684");
  const pugi::xml_node l621 = root.child("loadInformation621");
  ASSERT_TRUE(l684);
  ASSERT_TRUE(l621);
  EXPECT_STREQ(l684.attribute("model").value(), "Cisco 8851");
  EXPECT_STREQ(l684.text().get(), "sip88xx.14-2-1-0001-14");
  EXPECT_STREQ(l621.attribute("model").value(), "Cisco 7821");
  EXPECT_STREQ(l621.text().get(), "sip78xx.14-2-1-0001-14");
  EXPECT_FALSE(root.child("sipProfile")) << "no per-phone lines or passwords in the default file";
  EXPECT_EQ(as_string(files->at("XMLDefault.cnf.xml")).find("s3cr3t"), std::string::npos);
}

TEST(PhoneConfig, PasswordWithXmlSpecialCharactersRoundTripsEscaped) {
  Config c = lab_config();
  const std::string tricky = "a&b<c>\"d'e]]>f";
  c.phones[0].lines[0].password = tricky;
  c.phones[0].lines[0].display_name = "O'Brien & \"Sons\" <x>";
  auto files = generate(c);
  ASSERT_TRUE(files);
  const FileBytes& bytes = files->at("SEP001B53489EE0.cnf.xml");
  const std::string raw = as_string(bytes);
  EXPECT_EQ(raw.find(tricky), std::string::npos) << "the password went out unescaped";
  EXPECT_NE(raw.find("a&amp;b&lt;c&gt;"), std::string::npos) << raw;
  pugi::xml_document doc = parse(bytes);
  const pugi::xml_node line = doc.child("device").child("sipProfile").child("sipLines").child("line");
  EXPECT_EQ(std::string(line.child("authPassword").text().get()), tricky);
  EXPECT_EQ(std::string(line.child("displayName").text().get()), "O'Brien & \"Sons\" <x>");
}

TEST(PhoneConfig, ElementNamesMatchTheReferenceExactly) {
  auto files = generate(lab_config());
  ASSERT_TRUE(files);
  const std::string raw = as_string(files->at("SEP001B53489EE0.cnf.xml"));
  for (const char* tag :
       {"<device>", "<deviceProtocol>", "<devicePool>", "<callManagerGroup>", "<members>",
        "<member priority=\"0\">", "<callManager>", "<sipPort>", "<securedSipPort>",
        "<processNodeName>", "<loadInformation>", "<sipProfile>", "<sipLines>",
        "<line button=\"1\" lineIndex=\"1\">", "<featureID>", "<featureLabel>", "<authName>",
        "<authPassword>", "<displayName>", "<contact>", "<dialTemplate>", "<softKeyFile>",
        "<vendorConfig>", "<userLocale>", "<networkLocale>", "<networkLocaleInfo>",
        "<deviceSecurityMode>", "<transportLayerProtocol>", "<versionStamp>"}) {
    EXPECT_NE(raw.find(tag), std::string::npos) << tag;
  }
}

// Reference 7.1, the compact example, verbatim in its element structure (values differ).
constexpr const char* kReferenceExample = R"(<?xml version="1.0" encoding="UTF-8"?>
<device>
  <fullConfig>true</fullConfig>
  <deviceProtocol>SIP</deviceProtocol>
  <devicePool><callManagerGroup><members>
    <member priority="0"><callManager>
      <ports><sipPort>5060</sipPort><securedSipPort>5061</securedSipPort></ports>
      <processNodeName>198.18.0.10</processNodeName>
    </callManager></member>
  </members></callManagerGroup></devicePool>
  <sipProfile>
    <sipProxies><registerWithProxy>true</registerWithProxy></sipProxies>
    <sipStack><timerRegisterExpires>3600</timerRegisterExpires><timerRegisterDelta>5</timerRegisterDelta>
      <timerKeepAliveExpires>120</timerKeepAliveExpires><timerT1>500</timerT1><timerT2>4000</timerT2></sipStack>
    <sipLines><line button="1" lineIndex="1">
      <featureID>9</featureID><featureLabel>1003</featureLabel><proxy>USECALLMANAGER</proxy><port>5060</port>
      <name>1003</name><displayName>Lab 1003</displayName>
      <authName>1003</authName><authPassword>s3cr3t</authPassword><contact>1003</contact>
    </line></sipLines>
    <dialTemplate>dialplan.xml</dialTemplate><softKeyFile>softkeys.xml</softKeyFile>
  </sipProfile>
  <commonProfile><phonePassword></phonePassword></commonProfile>
  <loadInformation>sip88xx.14-2-1-0001-14</loadInformation>
  <vendorConfig><enableCdpSwPort>1</enableCdpSwPort><enableLldpSwPort>1</enableLldpSwPort></vendorConfig>
  <versionStamp>d902ed5a-c1e5-4233-b1d6-a960d53d1c3a</versionStamp>
  <userLocale><name>English_United_States</name><uid>1</uid><langCode>en_US</langCode>
    <version>1.0.0.0-1</version><winCharSet>utf-8</winCharSet></userLocale>
  <networkLocale>United_States</networkLocale>
  <networkLocaleInfo><name>United_States</name><version>1.0.0.0-1</version></networkLocaleInfo>
  <deviceSecurityMode>1</deviceSecurityMode>
  <transportLayerProtocol>1</transportLayerProtocol>
</device>
)";

TEST(PhoneConfig, DeviceFileHasEveryElementPathOfTheReferenceExample) {
  pugi::xml_document reference;
  ASSERT_TRUE(reference.load_string(kReferenceExample));
  std::set<std::string> want;
  collect_paths(reference, "", want);
  ASSERT_GT(want.size(), 40u);

  auto files = generate(lab_config());
  ASSERT_TRUE(files);
  pugi::xml_document ours = parse(files->at("SEP001B53489EE0.cnf.xml"));
  std::set<std::string> have;
  collect_paths(ours, "", have);
  for (const std::string& path : want) EXPECT_TRUE(have.count(path)) << "missing " << path;
}

TEST(PhoneConfig, DialRulesFileListsEveryRule) {
  auto files = generate(lab_config());
  ASSERT_TRUE(files);
  pugi::xml_document doc = parse(files->at("dialplan.xml"));
  const auto rules = doc.select_nodes("/DIALTEMPLATE/TEMPLATE");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_STREQ(rules[0].node().attribute("MATCH").value(), "9,.......");
  EXPECT_STREQ(rules[0].node().attribute("Timeout").value(), "0");
  EXPECT_STREQ(rules[0].node().attribute("User").value(), "Phone");
  EXPECT_STREQ(rules[1].node().attribute("MATCH").value(), "*");
  EXPECT_STREQ(rules[1].node().attribute("Timeout").value(), "5");
  EXPECT_STREQ(rules[1].node().attribute("User").value(), "IP");
}

TEST(PhoneConfig, RingListsListEveryRing) {
  auto files = generate(lab_config());
  ASSERT_TRUE(files);
  for (const char* name : {"RingList.xml", "DistinctiveRingList.xml"}) {
    SCOPED_TRACE(name);
    pugi::xml_document doc = parse(files->at(name));
    const auto rings = doc.select_nodes("/CiscoIPPhoneRingList/Ring");
    ASSERT_EQ(rings.size(), 2u);
    EXPECT_EQ(text(rings[0].node(), "DisplayName"), "Chirp 1");
    EXPECT_EQ(text(rings[0].node(), "FileName"), "Chirp1.raw");
    EXPECT_EQ(text(rings[1].node(), "DisplayName"), "Analog <1>");
    EXPECT_EQ(text(rings[1].node(), "FileName"), "Analog1.raw");
  }
}

TEST(PhoneConfig, SoftKeyFileIsWellFormedAndCarriesTheVersionStamp) {
  auto files = generate(lab_config());
  ASSERT_TRUE(files);
  pugi::xml_document doc = parse(files->at("softkeys.xml"));
  EXPECT_EQ(text(doc, "/softKeyCfg/versionStamp"), "phonerig-1");
  EXPECT_EQ(doc.select_nodes("/softKeyCfg/softKeySets/softKeySet").size(), 4u);
}

TEST(PhoneConfig, OptionalFilesAreLeftOutWhenNotNamed) {
  Config c = lab_config();
  c.dial_template.clear();
  c.softkey_file.clear();
  c.distinctive_ring_list_file.clear();
  auto files = generate(c);
  ASSERT_TRUE(files);
  EXPECT_EQ(files->size(), 4u);  // two devices, default, RingList.xml
  pugi::xml_document doc = parse(files->at("SEP001B53489EE0.cnf.xml"));
  EXPECT_FALSE(doc.child("device").child("sipProfile").child("dialTemplate"));
  EXPECT_FALSE(doc.child("device").child("sipProfile").child("softKeyFile"));
}

TEST(PhoneConfig, SameConfigGivesTheSameBytes) {
  auto a = generate(lab_config());
  auto b = generate(lab_config());
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(*a, *b);
}

void expect_config_error(const Config& c, const std::string& fragment) {
  auto files = generate(c);
  ASSERT_FALSE(files) << "expected an error containing: " << fragment;
  EXPECT_EQ(files.error().fault, api::Fault::config);
  EXPECT_NE(files.error().message.find(fragment), std::string::npos) << files.error().message;
}

TEST(PhoneConfig, RejectsAnEmptyCallManagerGroup) {
  Config c = lab_config();
  c.call_managers.clear();
  expect_config_error(c, "no member");
}

TEST(PhoneConfig, RejectsMoreThanFiveCallManagers) {
  Config c = lab_config();
  for (int i = 3; i < 6; ++i) c.call_managers.push_back(CallManager{"x", "198.18.0.20", 5060, 5061, 4});
  expect_config_error(c, "at most 5");
}

TEST(PhoneConfig, RejectsAPriorityOutsideZeroToFour) {
  Config c = lab_config();
  c.call_managers[0].priority = 5;
  expect_config_error(c, "priority 5");
}

TEST(PhoneConfig, RejectsAPriorityUsedTwice) {
  Config c = lab_config();
  c.call_managers[0].priority = 0;
  expect_config_error(c, "used twice");
}

TEST(PhoneConfig, RejectsACallManagerWithoutAddress) {
  Config c = lab_config();
  c.call_managers[1].address.clear();
  expect_config_error(c, "no address");
}

TEST(PhoneConfig, RejectsAPhoneWithoutLines) {
  Config c = lab_config();
  c.phones[1].lines.clear();
  expect_config_error(c, "has no line");
}

TEST(PhoneConfig, RejectsAPhoneListedTwice) {
  Config c = lab_config();
  c.phones[1].mac = kPhoneMac;
  expect_config_error(c, "listed twice");
}

TEST(PhoneConfig, RejectsAPhoneWhoseLoadIsUnknown) {
  Config c = lab_config();
  c.phones[1].model = "Cisco 9999";
  expect_config_error(c, "has no load");
}

TEST(PhoneConfig, RejectsTwoFilesWithOneName) {
  Config c = lab_config();
  c.softkey_file = "dialplan.xml";
  expect_config_error(c, "two files are named dialplan.xml");
}

TEST(PhoneConfig, FileGeneratedEventsNameEachFileItsSizeAndPhone) {
  const Config c = lab_config();
  auto files = generate(c);
  ASSERT_TRUE(files);
  const auto events = generated_events(c, *files, 1234);
  ASSERT_EQ(events.size(), files->size());
  for (const api::Event& e : events) {
    auto ok = api::validate(e);
    EXPECT_TRUE(ok) << api::to_string(e) << ": " << (ok ? "" : ok.error().message);
    EXPECT_EQ(e.kind, "file.generated");
    EXPECT_EQ(e.source, api::EventSource::service);
    EXPECT_EQ(e.time_ns, 1234);
    const std::string name = *e.string_attr("file");
    EXPECT_EQ(e.integer_attr("bytes"), static_cast<std::int64_t>(files->at(name).size()));
    if (name == "SEP001B53489EE0.cnf.xml") {
      EXPECT_EQ(e.phone, kPhoneMac);
    } else if (name == "SEPC80084AA8743.cnf.xml") {
      EXPECT_EQ(e.phone, kPhone2Mac);
    } else {
      EXPECT_FALSE(e.phone) << name;
    }
  }
}

TEST(PhoneConfigWriteFiles, WritesEveryFileWithItsBytes) {
  testing::TempDir dir;
  auto files = generate(lab_config());
  ASSERT_TRUE(files);
  auto written = write_files(*files, dir.path());
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->size(), files->size());
  for (const auto& [name, bytes] : *files) {
    std::ifstream in(dir.file(name), std::ios::binary);
    ASSERT_TRUE(in) << name;
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_EQ(s.str(), as_string(bytes)) << name;
  }
}

TEST(PhoneConfigWriteFiles, RefusesNamesWithSlashOrDotDotAndWritesNothing) {
  for (const std::string bad : {"../evil.xml", "sub/file.xml", "/etc/passwd", "..", ""}) {
    SCOPED_TRACE(bad);
    testing::TempDir dir;
    FileMap files{{"good.xml", {'x'}}, {bad, {'y'}}};
    auto written = write_files(files, dir.path());
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().fault, api::Fault::config);
    EXPECT_FALSE(std::filesystem::exists(dir.file("good.xml"))) << "wrote before refusing";
  }
}

TEST(PhoneConfigWriteFiles, ReportsAMissingDirectoryAsTheRigs) {
  auto written = write_files(FileMap{{"a.xml", {'a'}}}, "/nonexistent/phonerig-disco");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().fault, api::Fault::rig);
  EXPECT_NE(written.error().message.find("/nonexistent/phonerig-disco"), std::string::npos);
}

}  // namespace
}  // namespace phonerig::services::config
