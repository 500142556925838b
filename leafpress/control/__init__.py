"""Document control: the record of issued versions, the archive of issued files, the register."""
