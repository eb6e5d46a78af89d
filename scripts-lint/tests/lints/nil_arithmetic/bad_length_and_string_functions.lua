--! keys: cache(prefix), index
--! args: id
-- A cache reader that takes every entry as present: `#`, `string.*` and
-- `cjson.decode` raise on the `false` a missing key or field is.
local rcall = redis.call
local entry_key = KEYS[1] .. ARGV[1]

local function read(key)
  return rcall('GET', key)
end

-- cell: bulk string or `false`, `#`
local body = read(entry_key)
local size = #body

-- cell: bulk string or `false`, `string.*`
local head = string.sub(read(entry_key .. ':head'), 1, 16)

-- cell: bulk string or `false`, `cjson.decode`
local meta = cjson.decode(rcall('HGET', KEYS[2], ARGV[1]))

-- the same value after a guard is fine
local tail = read(entry_key .. ':tail')
if not tail then
  return {size, head, meta.version}
end
return {size, head, meta.version, #tail, string.upper(tail)}
