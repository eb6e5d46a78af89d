local items = {}
local function get(client, keys) return client end
table.insert(items, get(1, 2))
return #items
