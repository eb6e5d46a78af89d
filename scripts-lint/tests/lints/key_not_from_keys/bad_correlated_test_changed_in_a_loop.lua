--! keys: queue(prefix)
--! args: phase, owner, state, target, rounds:i64
-- A lease-renewing script that remembers, under a test, which key it owns, then
-- changes what it tested before testing it again: in a loop (a later pass sees the
-- phase a reply gave) and in a helper that assigns the local it closes over. Both
-- uses may reach the owner's name passed as an argument, which is no key.
local rcall = redis.call
local prefix = KEYS[1]
local phase = ARGV[1]
local owner = ARGV[2]
local state = ARGV[3]
local rounds = tonumber(ARGV[5])

local function lease_key(name)
  return prefix .. 'lease:' .. name
end

if not rounds or rounds < 1 then
  return redis.error_reply('ERR rounds must be a positive integer')
end

-- the owner's lease when the phase is `owned`; the owner's name otherwise
local held = owner
if phase == 'owned' then
  held = lease_key(owner)
end

for _ = 1, rounds do
  if phase == 'owned' then
    rcall('PEXPIRE', held, 30000)
  end
  -- the next pass tests the phase the queue gives
  phase = rcall('HGET', prefix .. 'phases', owner)
  if not phase then
    break
  end
end

-- a helper assigns the tested local: after it runs, the test means something else
local dest = ARGV[4]
if state == 'ready' then
  dest = prefix .. 'ready'
end

local function advance()
  state = rcall('HGET', prefix .. 'states', owner) or 'idle'
end

advance()
if state == 'ready' then
  rcall('RPUSH', dest, owner)
end

rcall('HSET', prefix .. 'owners', owner, phase or 'gone')
return rcall('HLEN', prefix .. 'owners')
