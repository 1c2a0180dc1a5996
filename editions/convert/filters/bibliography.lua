-- Each bibliography entry keeps the conventions of its own language (the `langid` of its .bib entry):
-- citeproc formats every entry with the edition's locale, so an English reference in the Arabic edition
-- read "Bennett, Karen، و James Savage … 3 ط.", and CSL title case is applied by the edition's
-- language. Runs after citeproc: each entry whose language differs from the edition's is formatted
-- again, alone, by citeproc in its own language, and marked with that language (lang=…) so that screen
-- readers and hyphenation follow it. In-text citations stay in the edition's language.
-- Quotation marks are the edition's, not the entry's: an English title quoted in the French edition
-- reads « … », as the French text around it does.

local NNBSP = "\u{202F}"
-- The edition's double quotation marks, where they are not the English “ ”.
local QUOTES = {
  fr = { "«" .. NNBSP, NNBSP .. "»" },
  es = { "«", "»" },
  ar = { "«", "»" },
}

local function primary(tag)
  return ((tag or ""):match("^(%a+)") or ""):lower()
end

local function entries_of(blocks)
  local found = {}
  blocks:walk({
    Div = function(div)
      local id = div.identifier:match("^ref%-(.+)$")
      if id then
        found[id] = div
      end
    end,
  })
  return found
end

local function with_quotes(entry, edition)
  local marks = QUOTES[edition]
  if not marks then
    return entry
  end
  return entry:walk({
    Str = function(str)
      return pandoc.Str((str.text:gsub("“", marks[1]):gsub("”", marks[2])))
    end,
  })
end

-- The entries `ids` formatted by citeproc in `language`: one run per language, however many entries.
local function formatted_in(meta, ids, language)
  local alone = {}
  for key, value in pairs(meta) do
    alone[key] = value
  end
  alone.lang = pandoc.MetaString(language)
  alone["reference-section-title"] = nil
  local citations = pandoc.List()
  for _, id in ipairs(ids) do
    citations:insert(pandoc.Cite({ pandoc.Str("@" .. id) }, { pandoc.Citation(id, "NormalCitation") }))
  end
  alone.nocite = pandoc.MetaInlines(citations)
  return entries_of(pandoc.utils.citeproc(pandoc.Pandoc({}, pandoc.Meta(alone))).blocks)
end

function Pandoc(doc)
  local edition = primary(pandoc.utils.stringify(doc.meta.lang or ""))
  local by_language, language_of = {}, {}
  for _, reference in ipairs(pandoc.utils.references(doc)) do
    local language = reference.language and pandoc.utils.stringify(reference.language) or ""
    if language ~= "" and primary(language) ~= edition then
      by_language[language] = by_language[language] or pandoc.List()
      by_language[language]:insert(reference.id)
      language_of[reference.id] = language
    end
  end
  if next(by_language) == nil then
    return nil
  end
  local formatted = {}
  for language, ids in pairs(by_language) do
    for id, entry in pairs(formatted_in(doc.meta, ids, language)) do
      formatted[id] = entry
    end
  end
  doc.blocks = doc.blocks:walk({
    Div = function(div)
      local id = div.identifier:match("^ref%-(.+)$")
      if not id or not language_of[id] or not div.classes:includes("csl-entry") then
        return nil
      end
      if formatted[id] then
        div.content = with_quotes(formatted[id], edition).content
      end
      div.attributes.lang = primary(language_of[id])
      return div
    end,
  })
  return doc
end
