x = 1
function f() return y end
local redis = {}
local KEYS = ARGV
string.format = nil
_G.x = 1
setmetatable(_G, {})
loadstring("return 1")()
return f()
