# cadence shell integration for bash (4.4 or newer).
#
# Tells the terminal where the shell is and where each command's prompt, input and output
# are, with sequences any terminal may ignore:
#   OSC 7     the working directory (file://host/path), so new tabs and splits open there;
#   OSC 133   A prompt start, B command start (end of the prompt), C output start, D;N the
#             command ended with status N: the marks cadence jumps between and selects by;
#   OSC 2     the window title: the working directory while the prompt shows.
#
# cadence sources this itself when it starts bash (unless `shell_integration = false`):
# it runs `bash --rcfile` with this file and CADENCE_BASH_INJECT set, so this file first
# reads what bash would have read (/etc/bash.bashrc, ~/.bashrc) and then adds its hooks
# after the user's own PROMPT_COMMAND and PS1 are in place. Sourcing it from ~/.bashrc by
# hand works too (and is what other ways of starting bash need); it loads only once.

[[ $- == *i* ]] || return 0

if [[ -n ${CADENCE_BASH_INJECT-} ]]; then
    unset CADENCE_BASH_INJECT
    # What an interactive non-login bash reads when no --rcfile is given.
    [[ -r /etc/bash.bashrc ]] && builtin source /etc/bash.bashrc
    [[ -r ~/.bashrc ]] && builtin source ~/.bashrc
fi

[[ -n ${__cadence_loaded-} ]] && return 0
__cadence_loaded=1

# The path percent-encoded byte by byte, as a file: URI needs.
__cadence_urlencode() {
    local LC_ALL=C s=$1 out= c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [a-zA-Z0-9/._~-]) out+=$c ;;
            *) printf -v c '%%%02X' "'$c"; out+=$c ;;
        esac
    done
    printf '%s' "$out"
}

__cadence_ran=0

__cadence_prompt_command() {
    local status=$?
    # The previous command's end, once one has run (not before the first prompt).
    if ((__cadence_ran)); then
        printf '\e]133;D;%s\e\\' "$status"
    fi
    __cadence_ran=1
    printf '\e]7;file://%s%s\e\\' "${HOSTNAME:-localhost}" "$(__cadence_urlencode "$PWD")"
    printf '\e]2;%s\e\\' "${PWD/#$HOME/\~}"
    # The prompt's marks go into PS1 itself, so they are where the prompt is drawn even
    # when the user's PROMPT_COMMAND rewrote PS1 since the last prompt.
    if [[ $PS1 != *'133;A'* ]]; then
        PS1='\[\e]133;A\e\\\]'$PS1'\[\e]133;B\e\\\]'
    fi
    return $status
}

# PS0 is printed after a command line is read, before it runs: the output starts there.
if [[ $PS0 != *'133;C'* ]]; then
    PS0+='\e]133;C\e\\'
fi

if [[ $(declare -p PROMPT_COMMAND 2>/dev/null) == "declare -a"* ]]; then
    PROMPT_COMMAND=(__cadence_prompt_command "${PROMPT_COMMAND[@]}")
else
    PROMPT_COMMAND="__cadence_prompt_command${PROMPT_COMMAND:+; $PROMPT_COMMAND}"
fi
