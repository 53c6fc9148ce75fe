"""Small helpers shared by the stages: atomic writes (:mod:`.atomic`), file locks
(:mod:`.locks`), progress bars (:mod:`.progress`), worker counts (:mod:`.workers`) and
file-name-safe slugs (:mod:`.slugs`)."""
