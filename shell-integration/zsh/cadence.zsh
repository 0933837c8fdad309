# cadence shell integration for zsh.
#
# The same marks as the bash script (shell-integration/bash/cadence.bash): OSC 7 with the
# working directory, OSC 133 A/B/C/D around prompt, input and output (D carries the exit
# status), and OSC 2 with the directory as the title. cadence does not inject this into
# zsh; source it from ~/.zshrc:
#
#     [[ -n $CADENCE_SHELL_INTEGRATION ]] && source "$CADENCE_SHELL_INTEGRATION/zsh/cadence.zsh"
#
# (cadence exports CADENCE_SHELL_INTEGRATION, the folder the scripts are installed in,
# to the programs it starts.)

[[ -o interactive ]] || return 0
(( ${+__cadence_loaded} )) && return 0
typeset -g __cadence_loaded=1
typeset -g __cadence_ran=0

autoload -Uz add-zsh-hook

__cadence_urlencode() {
    emulate -L zsh
    setopt extendedglob
    local LC_ALL=C s=$1 out= c
    for c in ${(s::)s}; do
        if [[ $c == [a-zA-Z0-9/._~-] ]]; then
            out+=$c
        else
            out+=$(printf '%%%02X' "'$c")
        fi
    done
    print -rn -- $out
}

__cadence_precmd() {
    local ret=$?
    if (( __cadence_ran )); then
        print -rn -- $'\e]133;D;'"$ret"$'\e\\'
    fi
    __cadence_ran=1
    print -rn -- $'\e]7;file://'"${HOST}$(__cadence_urlencode "$PWD")"$'\e\\'
    print -rn -- $'\e]2;'"${(%):-%~}"$'\e\\'
    # Marks inside the prompt itself, wrapped in %{ %} so zsh counts them as zero width.
    if [[ $PS1 != *'133;A'* ]]; then
        PS1=$'%{\e]133;A\e\\%}'$PS1$'%{\e]133;B\e\\%}'
    fi
}

__cadence_preexec() {
    print -rn -- $'\e]133;C\e\\'
}

add-zsh-hook precmd __cadence_precmd
add-zsh-hook preexec __cadence_preexec
