--! args: s
local s = ARGV[1]
return s:upper():sub(1, 2):rep(3) .. ("x"):len() .. #s .. string.len(s) .. s:byte(1)
