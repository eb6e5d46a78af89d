local t = { 1, 2, 3, n = 3 }
local s = [[long
string]] .. [==[with ]] inside]==]
local function f(...) return select('#', ...) end
return f(unpack(t)) + #s
