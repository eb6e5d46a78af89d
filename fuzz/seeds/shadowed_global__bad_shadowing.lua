local table = {}
local function get(redis, KEYS) return redis end
for _, tostring in ipairs({}) do end
return get(1, 2)
