-- Up Migration
-- The MetalMart catalog. Prices in cents; the server computes order totals from these, never from the client.
INSERT INTO products (id, name, description, price_cents, currency, image_url, sort_order) VALUES
  ('anvil-classic', 'Classic Forge Anvil', 'A 50 kg cast-steel anvil with a hardened face and a true horn, for a lifetime of blacksmithing.', 24900, 'USD', '/api/images/anvil-classic.svg', 0),
  ('cast-iron-skillet', 'Cast Iron Skillet', 'A 28 cm pre-seasoned skillet that goes from stovetop to campfire and only gets better with age.', 4500, 'USD', '/api/images/cast-iron-skillet.svg', 1),
  ('titanium-mug', 'Titanium Camp Mug', 'A 450 ml double-wall titanium mug: featherweight, unbreakable, and it never tastes of metal.', 3900, 'USD', '/api/images/titanium-mug.svg', 2),
  ('copper-kettle', 'Hammered Copper Kettle', 'A 1.5 l hand-hammered copper kettle with a brass handle and a whistle you will hear from the garden.', 8900, 'USD', '/api/images/copper-kettle.svg', 3),
  ('steel-toolbox', 'Steel Cantilever Toolbox', 'A powder-coated five-tray toolbox that opens like a staircase and holds everything in sight.', 6900, 'USD', '/api/images/steel-toolbox.svg', 4),
  ('brass-compass', 'Brass Pocket Compass', 'A liquid-damped compass in a solid brass case, with a hinged lid and a luminous needle.', 2900, 'USD', '/api/images/brass-compass.svg', 5),
  ('aluminium-ladder', 'Aluminium Step Ladder', 'A four-step ladder of anodised aluminium: 6 kg to carry, 150 kg to stand on.', 11900, 'USD', '/api/images/aluminium-ladder.svg', 6),
  ('chef-knife', 'Damascus Chef''s Knife', 'A 20 cm chef''s knife forged from 67 layers of Damascus steel, with a walnut handle.', 15900, 'USD', '/api/images/chef-knife.svg', 7),
  ('wrench-set', 'Chrome Vanadium Wrench Set', 'Twelve combination wrenches from 8 to 19 mm in a roll-up canvas pouch.', 5400, 'USD', '/api/images/wrench-set.svg', 8),
  ('steel-water-bottle', 'Stainless Water Bottle', 'A 750 ml vacuum-insulated bottle: cold for a day, hot for half of one.', 2400, 'USD', '/api/images/steel-water-bottle.svg', 9),
  ('iron-dumbbells', 'Cast Iron Dumbbell Pair', 'Two 10 kg cast-iron dumbbells with knurled steel handles.', 7900, 'USD', '/api/images/iron-dumbbells.svg', 10),
  ('tin-lantern', 'Punched Tin Lantern', 'A hand-punched tin lantern that throws starlight patterns across the room.', 3400, 'USD', '/api/images/tin-lantern.svg', 11);

-- Down Migration
DELETE FROM products;
