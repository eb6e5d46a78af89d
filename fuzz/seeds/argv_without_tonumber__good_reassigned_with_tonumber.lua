--! args: n
local n = ARGV[1]
n = tonumber(n)
return n * 2
