--! keys: k
--! args: a, b:i64
local x
for i = 1, #ARGV do
  if i % 2 == 0 then x = ARGV[i] else x = KEYS[1] end
  while x do x = nil end
  repeat local y = x until y
end
for k, v in pairs(KEYS) do redis.call("DEL", v) end
for _, v in ipairs(ARGV) do redis.call("GET", v) end
local t = {ARGV[1], n = tonumber(ARGV[2])}
local function g(...) return ... end
return g(x, t.n, select("#", ...))
