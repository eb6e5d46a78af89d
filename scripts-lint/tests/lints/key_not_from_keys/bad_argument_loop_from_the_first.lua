--! args: now, *queues(prefix)
-- `ARGV[i]` for `i = 1, #ARGV` may be the timestamp, which is not declared a prefix.
local n = 0
for i = 1, #ARGV do
  n = n + redis.call('LLEN', ARGV[i] .. ':active')
end
return n
