--! keys: limits
--! args: plan, usage:i32
-- Checks a usage figure against the plan's limits. Every limit is a local of the
-- main chunk, and the check function reads them all: a Lua 5.1 function can use
-- at most 60 locals of the functions around it.
local rcall = redis.call
local limit_01 = tonumber(rcall('HGET', KEYS[1], 'limit:01')) or 10
local limit_02 = tonumber(rcall('HGET', KEYS[1], 'limit:02')) or 20
local limit_03 = tonumber(rcall('HGET', KEYS[1], 'limit:03')) or 30
local limit_04 = tonumber(rcall('HGET', KEYS[1], 'limit:04')) or 40
local limit_05 = tonumber(rcall('HGET', KEYS[1], 'limit:05')) or 50
local limit_06 = tonumber(rcall('HGET', KEYS[1], 'limit:06')) or 60
local limit_07 = tonumber(rcall('HGET', KEYS[1], 'limit:07')) or 70
local limit_08 = tonumber(rcall('HGET', KEYS[1], 'limit:08')) or 80
local limit_09 = tonumber(rcall('HGET', KEYS[1], 'limit:09')) or 90
local limit_10 = tonumber(rcall('HGET', KEYS[1], 'limit:10')) or 100
local limit_11 = tonumber(rcall('HGET', KEYS[1], 'limit:11')) or 110
local limit_12 = tonumber(rcall('HGET', KEYS[1], 'limit:12')) or 120
local limit_13 = tonumber(rcall('HGET', KEYS[1], 'limit:13')) or 130
local limit_14 = tonumber(rcall('HGET', KEYS[1], 'limit:14')) or 140
local limit_15 = tonumber(rcall('HGET', KEYS[1], 'limit:15')) or 150
local limit_16 = tonumber(rcall('HGET', KEYS[1], 'limit:16')) or 160
local limit_17 = tonumber(rcall('HGET', KEYS[1], 'limit:17')) or 170
local limit_18 = tonumber(rcall('HGET', KEYS[1], 'limit:18')) or 180
local limit_19 = tonumber(rcall('HGET', KEYS[1], 'limit:19')) or 190
local limit_20 = tonumber(rcall('HGET', KEYS[1], 'limit:20')) or 200
local limit_21 = tonumber(rcall('HGET', KEYS[1], 'limit:21')) or 210
local limit_22 = tonumber(rcall('HGET', KEYS[1], 'limit:22')) or 220
local limit_23 = tonumber(rcall('HGET', KEYS[1], 'limit:23')) or 230
local limit_24 = tonumber(rcall('HGET', KEYS[1], 'limit:24')) or 240
local limit_25 = tonumber(rcall('HGET', KEYS[1], 'limit:25')) or 250
local limit_26 = tonumber(rcall('HGET', KEYS[1], 'limit:26')) or 260
local limit_27 = tonumber(rcall('HGET', KEYS[1], 'limit:27')) or 270
local limit_28 = tonumber(rcall('HGET', KEYS[1], 'limit:28')) or 280
local limit_29 = tonumber(rcall('HGET', KEYS[1], 'limit:29')) or 290
local limit_30 = tonumber(rcall('HGET', KEYS[1], 'limit:30')) or 300
local limit_31 = tonumber(rcall('HGET', KEYS[1], 'limit:31')) or 310
local limit_32 = tonumber(rcall('HGET', KEYS[1], 'limit:32')) or 320
local limit_33 = tonumber(rcall('HGET', KEYS[1], 'limit:33')) or 330
local limit_34 = tonumber(rcall('HGET', KEYS[1], 'limit:34')) or 340
local limit_35 = tonumber(rcall('HGET', KEYS[1], 'limit:35')) or 350
local limit_36 = tonumber(rcall('HGET', KEYS[1], 'limit:36')) or 360
local limit_37 = tonumber(rcall('HGET', KEYS[1], 'limit:37')) or 370
local limit_38 = tonumber(rcall('HGET', KEYS[1], 'limit:38')) or 380
local limit_39 = tonumber(rcall('HGET', KEYS[1], 'limit:39')) or 390
local limit_40 = tonumber(rcall('HGET', KEYS[1], 'limit:40')) or 400
local limit_41 = tonumber(rcall('HGET', KEYS[1], 'limit:41')) or 410
local limit_42 = tonumber(rcall('HGET', KEYS[1], 'limit:42')) or 420
local limit_43 = tonumber(rcall('HGET', KEYS[1], 'limit:43')) or 430
local limit_44 = tonumber(rcall('HGET', KEYS[1], 'limit:44')) or 440
local limit_45 = tonumber(rcall('HGET', KEYS[1], 'limit:45')) or 450
local limit_46 = tonumber(rcall('HGET', KEYS[1], 'limit:46')) or 460
local limit_47 = tonumber(rcall('HGET', KEYS[1], 'limit:47')) or 470
local limit_48 = tonumber(rcall('HGET', KEYS[1], 'limit:48')) or 480
local limit_49 = tonumber(rcall('HGET', KEYS[1], 'limit:49')) or 490
local limit_50 = tonumber(rcall('HGET', KEYS[1], 'limit:50')) or 500
local limit_51 = tonumber(rcall('HGET', KEYS[1], 'limit:51')) or 510
local limit_52 = tonumber(rcall('HGET', KEYS[1], 'limit:52')) or 520
local limit_53 = tonumber(rcall('HGET', KEYS[1], 'limit:53')) or 530
local limit_54 = tonumber(rcall('HGET', KEYS[1], 'limit:54')) or 540
local limit_55 = tonumber(rcall('HGET', KEYS[1], 'limit:55')) or 550
local limit_56 = tonumber(rcall('HGET', KEYS[1], 'limit:56')) or 560
local limit_57 = tonumber(rcall('HGET', KEYS[1], 'limit:57')) or 570
local limit_58 = tonumber(rcall('HGET', KEYS[1], 'limit:58')) or 580
local limit_59 = tonumber(rcall('HGET', KEYS[1], 'limit:59')) or 590
local limit_60 = tonumber(rcall('HGET', KEYS[1], 'limit:60')) or 600
local limit_61 = tonumber(rcall('HGET', KEYS[1], 'limit:61')) or 610

local function over(usage)
  local highest = 0
  if usage > limit_01 then highest = 1 end
  if usage > limit_02 then highest = 2 end
  if usage > limit_03 then highest = 3 end
  if usage > limit_04 then highest = 4 end
  if usage > limit_05 then highest = 5 end
  if usage > limit_06 then highest = 6 end
  if usage > limit_07 then highest = 7 end
  if usage > limit_08 then highest = 8 end
  if usage > limit_09 then highest = 9 end
  if usage > limit_10 then highest = 10 end
  if usage > limit_11 then highest = 11 end
  if usage > limit_12 then highest = 12 end
  if usage > limit_13 then highest = 13 end
  if usage > limit_14 then highest = 14 end
  if usage > limit_15 then highest = 15 end
  if usage > limit_16 then highest = 16 end
  if usage > limit_17 then highest = 17 end
  if usage > limit_18 then highest = 18 end
  if usage > limit_19 then highest = 19 end
  if usage > limit_20 then highest = 20 end
  if usage > limit_21 then highest = 21 end
  if usage > limit_22 then highest = 22 end
  if usage > limit_23 then highest = 23 end
  if usage > limit_24 then highest = 24 end
  if usage > limit_25 then highest = 25 end
  if usage > limit_26 then highest = 26 end
  if usage > limit_27 then highest = 27 end
  if usage > limit_28 then highest = 28 end
  if usage > limit_29 then highest = 29 end
  if usage > limit_30 then highest = 30 end
  if usage > limit_31 then highest = 31 end
  if usage > limit_32 then highest = 32 end
  if usage > limit_33 then highest = 33 end
  if usage > limit_34 then highest = 34 end
  if usage > limit_35 then highest = 35 end
  if usage > limit_36 then highest = 36 end
  if usage > limit_37 then highest = 37 end
  if usage > limit_38 then highest = 38 end
  if usage > limit_39 then highest = 39 end
  if usage > limit_40 then highest = 40 end
  if usage > limit_41 then highest = 41 end
  if usage > limit_42 then highest = 42 end
  if usage > limit_43 then highest = 43 end
  if usage > limit_44 then highest = 44 end
  if usage > limit_45 then highest = 45 end
  if usage > limit_46 then highest = 46 end
  if usage > limit_47 then highest = 47 end
  if usage > limit_48 then highest = 48 end
  if usage > limit_49 then highest = 49 end
  if usage > limit_50 then highest = 50 end
  if usage > limit_51 then highest = 51 end
  if usage > limit_52 then highest = 52 end
  if usage > limit_53 then highest = 53 end
  if usage > limit_54 then highest = 54 end
  if usage > limit_55 then highest = 55 end
  if usage > limit_56 then highest = 56 end
  if usage > limit_57 then highest = 57 end
  if usage > limit_58 then highest = 58 end
  if usage > limit_59 then highest = 59 end
  if usage > limit_60 then highest = 60 end
  if usage > limit_61 then highest = 61 end
  return highest
end

local usage = tonumber(ARGV[2])
if not usage then
  return redis.error_reply('ERR usage must be a number')
end
return over(usage)
