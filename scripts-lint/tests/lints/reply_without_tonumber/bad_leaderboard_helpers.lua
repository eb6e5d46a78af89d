--! keys: board(prefix), totals
--! args: member, points:integer, season
-- A leaderboard update that uses string replies as numbers: through an alias, in a
-- helper, straight from the call and in conditions. Where Lua converts the string as
-- `tonumber` does (arithmetic, `-`, `for` bounds, `<` against a number) the fix is
-- `tonumber(...)` around the use; against another string (alphabetical) or with `==`
-- (the string `'10'` or the number 10?) it is left for a person.
local rcall = redis.call
local prefix = KEYS[1]
local member = ARGV[1]
local points = tonumber(ARGV[2])

local function key(name)
  return prefix .. name
end

local function bonus(score)
  if not score then
    return 0
  end
  return score / 10
end

local function streak_of(who)
  return rcall('HGET', key('streaks'), who)
end

local score = rcall('ZSCORE', key(ARGV[3]), member)
local extra = bonus(score)

local best = rcall('HGET', KEYS[2], 'best')
local best_member = rcall('HGET', KEYS[2], 'best_member')

local streak = streak_of(member)
if streak and streak > 3 then
  points = points * 2
end

local total = (rcall('GET', key('total:') .. member) or 0) + points + extra
rcall('SET', key('total:') .. member, total)

if best and best_member and best < best_member then
  rcall('HSET', KEYS[2], 'order', 'swapped')
end

if best == 100 then
  rcall('HSET', KEYS[2], 'perfect', member)
end

local rounds = rcall('HGET', KEYS[2], 'rounds')
if rounds then
  for round = 1, rounds do
    rcall('ZINCRBY', key('round:') .. round, 0, member)
  end
  local penalty = -rcall('HGET', KEYS[2], 'penalty')
  rcall('ZINCRBY', key(ARGV[3]), penalty, member)
end

return total
