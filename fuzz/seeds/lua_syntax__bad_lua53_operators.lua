local half = 7 // 2
local mask = 6 & 3
return half
