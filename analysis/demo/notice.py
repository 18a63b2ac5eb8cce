"""The label every demo file carries."""

DEMO_NOTICE = ("SYNTETISKA DEMODATA – påhittade svar och observationer som liknar Eslövs "
               "struktur. Inte verkliga resultat.")
