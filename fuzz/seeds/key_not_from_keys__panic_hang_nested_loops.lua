--! keys: counter
--! args: times:i32
-- Hang regression: 24 nested loops, each changing a local. The analysis ran the body
-- of every loop nested in a changing loop again for each pass over it: 2^24 passes.
local key = KEYS[1]
local v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19, v20, v21, v22, v23 = 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
for i0 = 1, tonumber(ARGV[1]) or 2 do
  v0 = v0 + i0
  for i1 = 1, tonumber(ARGV[1]) or 2 do
    v1 = v1 + i1
    for i2 = 1, tonumber(ARGV[1]) or 2 do
      v2 = v2 + i2
      for i3 = 1, tonumber(ARGV[1]) or 2 do
        v3 = v3 + i3
        for i4 = 1, tonumber(ARGV[1]) or 2 do
          v4 = v4 + i4
          for i5 = 1, tonumber(ARGV[1]) or 2 do
            v5 = v5 + i5
            for i6 = 1, tonumber(ARGV[1]) or 2 do
              v6 = v6 + i6
              for i7 = 1, tonumber(ARGV[1]) or 2 do
                v7 = v7 + i7
                for i8 = 1, tonumber(ARGV[1]) or 2 do
                  v8 = v8 + i8
                  for i9 = 1, tonumber(ARGV[1]) or 2 do
                    v9 = v9 + i9
                    for i10 = 1, tonumber(ARGV[1]) or 2 do
                      v10 = v10 + i10
                      for i11 = 1, tonumber(ARGV[1]) or 2 do
                        v11 = v11 + i11
                        for i12 = 1, tonumber(ARGV[1]) or 2 do
                          v12 = v12 + i12
                          for i13 = 1, tonumber(ARGV[1]) or 2 do
                            v13 = v13 + i13
                            for i14 = 1, tonumber(ARGV[1]) or 2 do
                              v14 = v14 + i14
                              for i15 = 1, tonumber(ARGV[1]) or 2 do
                                v15 = v15 + i15
                                for i16 = 1, tonumber(ARGV[1]) or 2 do
                                  v16 = v16 + i16
                                  for i17 = 1, tonumber(ARGV[1]) or 2 do
                                    v17 = v17 + i17
                                    for i18 = 1, tonumber(ARGV[1]) or 2 do
                                      v18 = v18 + i18
                                      for i19 = 1, tonumber(ARGV[1]) or 2 do
                                        v19 = v19 + i19
                                        for i20 = 1, tonumber(ARGV[1]) or 2 do
                                          v20 = v20 + i20
                                          for i21 = 1, tonumber(ARGV[1]) or 2 do
                                            v21 = v21 + i21
                                            for i22 = 1, tonumber(ARGV[1]) or 2 do
                                              v22 = v22 + i22
                                              for i23 = 1, tonumber(ARGV[1]) or 2 do
                                                v23 = v23 + i23
                                                redis.call('INCR', key)
                                                redis.call('INCR', 'total') -- still reported, 24 loops deep
                                              end
                                            end
                                          end
                                        end
                                      end
                                    end
                                  end
                                end
                              end
                            end
                          end
                        end
                      end
                    end
                  end
                end
              end
            end
          end
        end
      end
    end
  end
end
return v0
