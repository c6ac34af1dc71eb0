# libtsdt: catalog (ELF notes, specs, types) and attach engine.
