# cadence shell integration for fish (3.1 or newer).
#
# The same marks as the bash script (shell-integration/bash/cadence.bash): OSC 7 with the
# working directory, OSC 133 A/B/C/D around prompt, input and output (D carries the exit
# status), and OSC 2 with the directory as the title. Install it as a conf.d snippet, or
# source it from ~/.config/fish/config.fish:
#
#     set -q CADENCE_SHELL_INTEGRATION; and source $CADENCE_SHELL_INTEGRATION/fish/cadence.fish

status is-interactive; or exit 0
set -q __cadence_loaded; and exit 0
set -g __cadence_loaded 1

function __cadence_urlencode
    set -l out
    for c in (string split '' -- $argv[1])
        if string match -qr '^[a-zA-Z0-9/._~-]$' -- $c
            set -a out $c
        else
            for b in (printf '%s' $c | od -An -tx1 | string split -n ' ')
                set -a out '%'(string upper $b)
            end
        end
    end
    string join '' -- $out
end

function __cadence_prompt_start --on-event fish_prompt
    printf '\e]7;file://%s%s\e\\' (hostname) (__cadence_urlencode $PWD)
    printf '\e]2;%s\e\\' (prompt_pwd)
    printf '\e]133;A\e\\'
end

function __cadence_preexec --on-event fish_preexec
    printf '\e]133;C\e\\'
end

function __cadence_postexec --on-event fish_postexec
    printf '\e]133;D;%s\e\\' $status
end

# fish has no hook at the prompt's end: wrap the prompt function so B follows it.
if functions -q fish_prompt
    functions -c fish_prompt __cadence_user_prompt
    function fish_prompt
        __cadence_user_prompt
        printf '\e]133;B\e\\'
    end
end
