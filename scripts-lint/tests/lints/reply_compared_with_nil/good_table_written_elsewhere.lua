--! keys: job(prefix), lock
--! args: token
-- A field is forgotten by every write the analysis does not make through the local:
-- an upvalue written in a helper, a table inside another table, a loop over its keys,
-- a method, a function run by `pcall` or `table.sort`, a recursive helper, a table a
-- function returns, a local replaced on one path, a loop that clears it.
local rcall = redis.call
local job_key = KEYS[1]

local current = {}
local function drop_current()
  current.owner = nil
end
current.owner = rcall('HGET', job_key, 'owner')
drop_current()
if current.owner == nil then
  current.owner = ARGV[1]
end

local lock = {}
lock.holder = rcall('GET', KEYS[2])
local holders = { lock }
holders[1].holder = nil
if lock.holder == nil then
  rcall('SET', KEYS[2], ARGV[1], 'PX', 30000)
end

local fields = { state = rcall('HGET', job_key, 'state') }
for name in pairs(fields) do
  fields[name] = nil
end
if fields.state == nil then
  fields.state = 'waiting'
end

local claim = { owner = rcall('HGET', job_key, 'owner') }
function claim.release(self)
  self.owner = nil
end
claim:release()
if claim.owner == nil then
  rcall('HDEL', job_key, 'owner')
end

local pending = { next = rcall('LINDEX', job_key .. ':log', 0) }
pcall(function(t) t.next = nil end, pending)
if pending.next == nil then
  rcall('DEL', job_key .. ':log')
end

local function clear_all(t, depth)
  if depth > 0 then
    t.value = nil
    return clear_all(t, depth - 1)
  end
end
local cached = { value = rcall('GET', job_key .. ':cache') }
clear_all(cached, 2)
if cached.value == nil then
  rcall('SET', job_key .. ':cache', ARGV[1])
end

local function the_claim()
  return claim
end
claim.owner = rcall('HGET', job_key, 'owner')
the_claim().owner = nil
if claim.owner == nil then
  return 0
end

local seen = { last = rcall('GET', job_key .. ':last') }
if ARGV[1] == '' then
  seen = {}
end
if seen.last == nil then
  return 1
end

local queue = { head = rcall('LPOP', job_key .. ':q') }
while queue.head ~= nil do
  queue.head = nil
end
return { current.owner, fields.state }
