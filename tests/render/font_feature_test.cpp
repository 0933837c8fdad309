// The font_features syntax: every form HarfBuzz's syntax offers that cadence accepts, the
// ones it refuses and what it says about them, and how a list resolves.
#include "render/font/font_feature.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cadence::render::font {
namespace {

FontFeature parsed(std::string_view text) {
  Result<FontFeature> f = parse_font_feature(text);
  EXPECT_TRUE(f) << text << ": " << f.error().message;
  return f ? *f : FontFeature{};
}

TEST(ParseFontFeature, TagAloneTurnsItOn) {
  EXPECT_EQ(parsed("ss01"), (FontFeature{feature_tag("ss01"), 1}));
  EXPECT_EQ(parsed("zero"), (FontFeature{feature_tag("zero"), 1}));
  EXPECT_EQ(parsed("+onum"), (FontFeature{feature_tag("onum"), 1}));
}

TEST(ParseFontFeature, MinusOrZeroTurnsItOff) {
  EXPECT_EQ(parsed("-liga"), (FontFeature{feature_tag("liga"), 0}));
  EXPECT_EQ(parsed("calt=0"), (FontFeature{feature_tag("calt"), 0}));
  EXPECT_EQ(parsed("calt=off"), (FontFeature{feature_tag("calt"), 0}));
  EXPECT_EQ(parsed("calt=on"), (FontFeature{feature_tag("calt"), 1}));
}

TEST(ParseFontFeature, ValuePicksAnAlternate) {
  EXPECT_EQ(parsed("cv05=2"), (FontFeature{feature_tag("cv05"), 2}));
  EXPECT_EQ(parsed("salt=1"), (FontFeature{feature_tag("salt"), 1}));
  EXPECT_EQ(parsed("aalt=65535"), (FontFeature{feature_tag("aalt"), kMaxFeatureValue}));
}

TEST(ParseFontFeature, TagIsStoredAsFontsStoreIt) {
  EXPECT_EQ(feature_tag("ss01"), 0x73733031u);
  EXPECT_EQ(feature_tag_name(feature_tag("cv99")), "cv99");
  EXPECT_EQ(to_string(parsed("cv05=2")), "cv05=2");
  EXPECT_EQ(to_string(parsed("-liga")), "liga=0");
  EXPECT_EQ(to_string(parsed("SS01")), "SS01");  // tags are case-sensitive: kept as written
}

TEST(ParseFontFeature, RejectsBadEntriesQuotingThem) {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"calt 0", "has a space"},
      {" ss01", "has a space"},
      {"ss01\t", "has a space"},
      {"ss1", "four letters or digits"},
      {"ss001", "four letters or digits"},
      {"s-01", "four letters or digits"},
      {"'ss01'", "four letters or digits"},
      {"+", "four letters or digits"},
      {"=1", "four letters or digits"},
      {"ss01=", "whole number from 0 to 65535"},
      {"ss01=x", "whole number from 0 to 65535"},
      {"ss01=-1", "whole number from 0 to 65535"},
      {"ss01=1.5", "whole number from 0 to 65535"},
      {"ss01=65536", "whole number from 0 to 65535"},
      {"ss01=99999999999", "whole number from 0 to 65535"},
      {"ss01=true", "whole number from 0 to 65535"},
      {"ss01==1", "whole number from 0 to 65535"},
      {"-liga=1", "a sign or a value, not both"},
      {"+ss01=2", "a sign or a value, not both"},
      {"liga[3:5]", "ranges are not supported"},
      {"liga[]=0", "ranges are not supported"},
  };
  for (const Case& c : cases) {
    Result<FontFeature> f = parse_font_feature(c.text);
    ASSERT_FALSE(f) << "'" << c.text << "' was accepted";
    const std::string& message = f.error().message;
    EXPECT_NE(message.find(std::string("'") + c.text + "'"), std::string::npos) << message;
    EXPECT_NE(message.find(c.says), std::string::npos) << message;
  }
  Result<FontFeature> empty = parse_font_feature("");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
}

TEST(ParseFontFeatures, ParsesAListOrNamesTheBadEntry) {
  const std::vector<std::string> good = {"calt=0", "ss01", "zero", "cv05=2", "liga=0"};
  Result<std::vector<FontFeature>> list = parse_font_features(good);
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 5u);
  EXPECT_EQ((*list)[3], (FontFeature{feature_tag("cv05"), 2}));

  const std::vector<std::string> bad = {"ss01", "cv05=two"};
  Result<std::vector<FontFeature>> failed = parse_font_features(bad);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("entry 2"), std::string::npos) << failed.error().message;
  EXPECT_NE(failed.error().message.find("'cv05=two'"), std::string::npos);
}

TEST(EnabledFeatures, LaterEntriesOverrideEarlierOnesAndOffIsDropped) {
  const std::vector<FontFeature> list = {parsed("ss01"),   parsed("calt=0"), parsed("cv05=2"),
                                         parsed("-ss01"),  parsed("zero"),   parsed("cv05=3"),
                                         parsed("liga=0"), parsed("ss01")};
  const std::vector<FontFeature> on = enabled_features(list);
  // ss01 was turned off and on again: on, in the place it was first named.
  EXPECT_EQ(on, (std::vector<FontFeature>{parsed("ss01"), parsed("cv05=3"), parsed("zero")}));
  EXPECT_TRUE(enabled_features(std::vector<FontFeature>{parsed("-ss01")}).empty());
}

}  // namespace
}  // namespace cadence::render::font
