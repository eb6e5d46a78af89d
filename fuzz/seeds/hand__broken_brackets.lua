return ((({[ ]})
local t = {{{
redis.call("GET", KEYS[1]]
end end end
)))
