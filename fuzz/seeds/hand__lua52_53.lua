goto x
::x::
local a = 7 // 2 & 3 | 4 ~ 5 << 1 >> 2
a += 1
if a != b then end
local s <const> = 1
return ~a
