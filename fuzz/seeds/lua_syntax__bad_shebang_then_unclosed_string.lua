#!lua flags=no-writes
"the first token after the shebang, an unclosed string, used to vanish
return 1
