"""The words of a batch report, French first: flag names, column heads, notices."""

from __future__ import annotations

from basegun.legal import Text

FLAGS: dict[str, Text] = {
    "no_firearm": {
        "fr": "Aucune arme à feu trouvée sur les photos",
        "en": "No firearm found in the photos",
    },
    "low_confidence": {
        "fr": "Confiance faible : type d'arme non déterminé",
        "en": "Low confidence: type of weapon not determined",
    },
    "needs_expert": {
        "fr": "À faire confirmer par un expert",
        "en": "To be confirmed by an expert",
    },
    "needs_card": {
        "fr": "À mesurer : reprendre une photo de l'arme entière avec une carte au format carte bancaire posée à côté",
        "en": "To be measured: photograph the whole weapon again with a bank-card-sized card lying next to it",
    },
    "listed_alarm_gun": {
        "fr": "Arme d'alarme d'un modèle listé, lu sur ses marquages (catégorie C) : à faire examiner par un expert",
        "en": "Listed alarm-gun model, read on its markings (category C): to be examined by an expert",
    },
    "blank_firing_mark": {
        "fr": "Poinçon d'arme à blanc lu : arme d'alarme probable, modèle à identifier par un expert",
        "en": "Blank-firing proof mark read: probably an alarm gun, its model to be identified by an expert",
    },
    "replica_marking": {
        "fr": "Marquage de réplique (airsoft, air comprimé) lu sur les photos",
        "en": "Replica marking (airsoft, air gun) read in the photos",
    },
    "possible_replica": {
        "fr": "Réplique possible : regarder si le chargeur ou le barillet prend des cartouches ou des billes",
        "en": "Possible replica: check whether the magazine or cylinder takes cartridges or pellets",
    },
    "possible_alarm_gun": {
        "fr": "Arme d'alarme possible : photographier les marquages en gros plan",
        "en": "Possible alarm gun: photograph the markings close up",
    },
}

LEVELS: dict[str, Text] = {
    "high": {"fr": "élevée", "en": "high"},
    "medium": {"fr": "moyenne", "en": "medium"},
    "low": {"fr": "faible", "en": "low"},
}

NO_FIREARM: Text = {"fr": "Pas d'arme à feu trouvée", "en": "No firearm found"}
UNDETERMINED: Text = {
    "fr": "Catégorie non déterminée (confiance faible)",
    "en": "Category not determined (low confidence)",
}

AGREEMENT: Text = {"fr": "{agreeing} photo(s) sur {total} concordent", "en": "{agreeing} of {total} photo(s) agree"}

RETENTION_SERVER: Text = {
    "fr": "Les photos et ce rapport sont conservés sur le serveur Basegun pendant {days} jours, "
    "puis supprimés automatiquement le {date}.",
    "en": "The photos and this report are kept on the Basegun server for {days} days, then deleted automatically "
    "on {date}.",
}
RETENTION_LOCAL: Text = {
    "fr": "Rapport produit sur ce poste : Basegun n'a conservé ni les photos ni ce rapport.",
    "en": "Report produced on this computer: Basegun kept neither the photos nor this report.",
}
# Why a report covers only part of its batch, by the batch's status.
STOPPED: dict[str, Text] = {
    "interrupted": {
        "fr": "Le traitement de ce lot a été interrompu (le service a redémarré) : seules les armes ci-dessous ont "
        "été analysées. Envoyez de nouveau le lot pour le reste.",
        "en": "This batch was interrupted (the service restarted): only the weapons below were analysed. Send the "
        "batch again for the rest.",
    },
    "failed": {
        "fr": "Le traitement de ce lot s'est arrêté sur une erreur : seules les armes ci-dessous ont été analysées. "
        "Envoyez de nouveau le lot ; si l'erreur revient, signalez-la.",
        "en": "This batch stopped on an error: only the weapons below were analysed. Send the batch again; if the "
        "error comes back, report it.",
    },
}

HEADINGS: dict[str, Text] = {
    "title": {"fr": "Basegun : rapport de tri des armes saisies", "en": "Basegun: triage report of seized weapons"},
    "summary": {"fr": "Résumé par catégorie", "en": "Summary by category"},
    "weapons": {"fr": "Armes", "en": "Weapons"},
    "weapon": {"fr": "Arme", "en": "Weapon"},
    "photo": {"fr": "Photo", "en": "Photo"},
    "photos": {"fr": "Photos", "en": "Photos"},
    "typology": {"fr": "Type d'arme", "en": "Type of weapon"},
    "confidence": {"fr": "Confiance", "en": "Confidence"},
    "category": {"fr": "Catégorie", "en": "Category"},
    "lengths": {"fr": "Longueurs mesurées", "en": "Measured lengths"},
    "flags": {"fr": "À faire", "en": "To do"},
    "count": {"fr": "Nombre", "en": "Count"},
    "not_analysed": {"fr": "Fichiers non analysés", "en": "Files not analysed"},
    "reason": {"fr": "Raison", "en": "Reason"},
    "created": {"fr": "Produit le", "en": "Produced on"},
    "batch": {"fr": "Lot", "en": "Batch"},
    "model": {"fr": "Modèle", "en": "Model"},
    "print_hint": {"fr": "Pour imprimer : Ctrl+P (⌘+P sur Mac).", "en": "To print: Ctrl+P (⌘+P on a Mac)."},
    "none": {"fr": "Aucun", "en": "None"},
    "overall": {"fr": "totale", "en": "overall"},
    "barrel": {"fr": "canon", "en": "barrel"},
}

# Why a file was not analysed, by its stable code; the English detail of the error is kept beside it.
REASONS: dict[str, Text] = {
    "unsupported_format": {
        "fr": "Ce n'est pas une photo dans un format lu par Basegun.",
        "en": "Not a photo in a format Basegun reads.",
    },
    "corrupt_image": {"fr": "Photo abîmée ou incomplète.", "en": "Damaged or incomplete photo."},
    "empty_file": {"fr": "Fichier vide.", "en": "Empty file."},
    "file_too_large": {"fr": "Fichier trop volumineux.", "en": "File too large."},
    "too_many_pixels": {"fr": "Photo trop grande (trop de pixels).", "en": "Photo too large (too many pixels)."},
    "image_too_small": {"fr": "Photo trop petite pour juger.", "en": "Photo too small to judge."},
    "unreadable_file": {"fr": "Fichier illisible.", "en": "Unreadable file."},
    "nested_archive": {
        "fr": "Archive dans le lot : elle n'est pas ouverte.",
        "en": "Archive inside the batch: not opened.",
    },
    "symlink": {"fr": "Lien symbolique : il n'est pas suivi.", "en": "Symbolic link: not followed."},
    "unsafe_path": {
        "fr": "Nom de fichier dangereux (il sort du dossier du lot).",
        "en": "Unsafe file name (it leads out of the batch's folder).",
    },
    "hidden_file": {"fr": "Fichier caché ou système.", "en": "Hidden or system file."},
    "encrypted_entry": {"fr": "Fichier chiffré dans l'archive.", "en": "Encrypted file in the archive."},
    "corrupt_entry": {"fr": "Fichier abîmé dans l'archive.", "en": "Damaged file in the archive."},
    "not_a_file": {"fr": "Ce n'est pas un fichier ordinaire.", "en": "Not a regular file."},
}
