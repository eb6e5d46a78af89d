--! returns: i64
local a = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF
local b = 1e308 * 10
local c = 9007199254740993
local d = .5e-400
local e = 0X
return a + b + c + d
