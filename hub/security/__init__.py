"""Protection of personal data and of agencies' access: keys, encryption, masking."""
