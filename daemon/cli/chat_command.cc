// `seek chat` (see commands.h): the terminal app lives in tui/.
#include "daemon/cli/commands.h"
#include "daemon/tui/chat_app.h"

namespace seek::daemon {

int run_chat(const ChatOptions& options) { return tui::run_chat_app(options); }

}  // namespace seek::daemon
