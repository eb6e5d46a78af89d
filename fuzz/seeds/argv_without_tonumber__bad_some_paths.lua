--! args: n, mode
local n = ARGV[1]
if ARGV[2] == 'parse' then n = tonumber(n) end
return n + 1
