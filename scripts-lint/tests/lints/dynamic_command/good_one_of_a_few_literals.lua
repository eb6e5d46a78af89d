--! keys: queue, events
--! args: job_id, mode, direction
-- A worker script choosing its command from a few literals, the way queues do: the
-- name is one of a known set, so every candidate is checked (name, arity, keys) and
-- nothing is reported as dynamic.
local rcall = redis.call

local function push_command(lifo)
  if lifo then
    return 'RPUSH'
  end
  return 'LPUSH'
end

local function pop_command()
  local command = 'LPOP'
  if ARGV[3] == 'right' then
    command = 'RPOP'
  end
  return command
end

local lifo = ARGV[2] == 'lifo'
local push = lifo and 'RPUSH' or 'LPUSH'
rcall(push, KEYS[1], ARGV[1])
rcall(push_command(lifo), KEYS[1], ARGV[1])

local popped = rcall(pop_command(), KEYS[1])
if not popped then
  return nil
end

local event = 'XADD'
if ARGV[2] == 'quiet' then
  event = 'XLEN'
  return rcall(event, KEYS[2])
end
rcall(event, KEYS[2], '*', 'event', 'moved', 'jobId', popped)

local count_command = ARGV[3] == 'right' and 'LLEN' or 'SCARD'
if count_command == 'LLEN' then
  return rcall(count_command, KEYS[1])
end
return popped
