for i = 1, 3 do
  goto continue
  ::continue::
end
