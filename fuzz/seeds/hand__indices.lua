--! keys: a, b
--! args: x, rest..
return {KEYS[0], KEYS[-1], KEYS[1.5], KEYS[3], KEYS[1e300], KEYS[0x10000000000000000], ARGV[#ARGV], ARGV[#ARGV + 1], KEYS["1"], ARGV[1/0], ARGV[-1/0], ARGV[0/0]}
