-- wrk script: cycles through searches of /api/v1/lieux (communes all over France, radius, filters,
-- open now), so that the server answers a mix instead of one cached shape.
local communes = {"laval", "angouleme", "rennes", "lyon", "marseille", "toulouse", "lille",
                  "clermont-ferrand", "bordeaux", "nantes", "dijon", "limoges", "tours", "metz",
                  "poitiers", "brest", "caen", "reims", "nancy", "grenoble"}
local rayons = {"5", "10", "30", "50", "100"}
local filtres = {"", "&services=Aide+aux+d%C3%A9marches+administratives",
                 "&frais_a_charge=Gratuit", "&quand=maintenant",
                 "&services=Ma%C3%AEtrise+des+outils+num%C3%A9riques+du+quotidien&quand=maintenant",
                 "&duree=30"}
local paths = {}
for i, c in ipairs(communes) do
  for j, r in ipairs(rayons) do
    for k, f in ipairs(filtres) do
      paths[#paths + 1] = "/api/v1/lieux?commune=" .. c .. "&rayon=" .. r .. f .. "&limite=20"
    end
  end
end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
