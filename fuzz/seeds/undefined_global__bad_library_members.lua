--! args: name
local s = string.trim(ARGV[1])
local n = math.round(1.5)
return ARGV[1]:startswith('a')
