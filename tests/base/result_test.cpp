#include <gtest/gtest.h>

#include "base/result.hpp"
#include "base/units.hpp"

namespace {

cadence::Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return cadence::make_error(std::string("not a digit: ") + c);
  return c - '0';
}

TEST(Result, CarriesValueOrError) {
  auto ok = parse_digit('7');
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 7);
  auto bad = parse_digit('x');
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "not a digit: x");
}

TEST(Result, VoidResult) {
  cadence::Result<void> fine;
  EXPECT_TRUE(fine.ok());
  cadence::Result<void> failed = cadence::make_error("nope");
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "nope");
}

TEST(ResultDeathTest, ValueOfAnErrorAborts) {
  auto bad = parse_digit('x');
  EXPECT_DEATH((void)bad.value(), "Result::value\\(\\) on an error");
}

TEST(Units, StrongTypesDoArithmeticWithinTheirKind) {
  cadence::Row r(3);
  r += cadence::Row(2);
  EXPECT_EQ(r.get(), 5);
  EXPECT_LT(cadence::Column(1), cadence::Column(2));
  static_assert(!std::is_convertible_v<cadence::Row, cadence::Column>);
  static_assert(!std::is_convertible_v<int, cadence::Row>);
}

}  // namespace
