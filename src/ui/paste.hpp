// Clipboard text to the bytes a paste sends to the program.
//
// A paste is text from anywhere (a web page, another program), so it must not be able to
// act as anything but text. With bracketed paste (mode 2004) the program is told where it
// starts and ends, and the text is stripped of any start or end marker it carries, so it
// cannot close the bracket early and have the rest run as typed commands. Without it the
// text is cut down to what typing could produce: line breaks become CR (what Return
// sends), and escape and other control characters are dropped. Either way, invalid UTF-8
// becomes U+FFFD.
#pragma once

#include <string>
#include <string_view>

namespace cadence::ui {

std::string prepare_paste(std::string_view utf8, bool bracketed);

}  // namespace cadence::ui
