/* The demo's words: scenarios a real service desk sees every week, in French
 * and English, with slots ({app}, {code}, …) filled at random. */
#include "demo_int.h"

const demo_scenario_t demo_scenarios[] = {
    {"Réseau", "Network", "Réseau & Infrastructure", "VPN", "vpn-gw-01", 2, 2, 8,
     {"Impossible de me connecter au VPN", "Le VPN se déconnecte toutes les {n} minutes",
      "VPN : erreur {code} à la connexion"},
     {"Cannot connect to the VPN", "VPN drops every {n} minutes", "VPN error {code} when connecting"},
     {"Bonjour, depuis ce matin je n'arrive plus à me connecter au VPN depuis chez moi. Le client "
      "affiche l'erreur {code} après la saisie du mot de passe. J'ai redémarré le PC sans succès.",
      "Le VPN coupe régulièrement, environ toutes les {n} minutes, ce qui me déconnecte de {app}. "
      "Je suis en télétravail aujourd'hui, pouvez-vous regarder ?"},
     {"Hi, since this morning I can't connect to the VPN from home. The client shows error {code} "
      "right after I type my password. I already rebooted the laptop.",
      "The VPN keeps dropping roughly every {n} minutes and I lose my {app} session each time. "
      "I'm working from home today, could you have a look?"},
     "Profil VPN réinstallé et certificat machine renouvelé ; connexion vérifiée avec l'utilisateur.",
     "Reinstalled the VPN profile and renewed the machine certificate; connection checked with the user."},
    {"Réseau", "Network", "Réseau & Infrastructure", "Wi-Fi", "wifi-{site}", 3, 2, 6,
     {"Wi-Fi très lent au {floor}e étage", "Pas de Wi-Fi en salle de réunion {room}"},
     {"Very slow Wi-Fi on floor {floor}", "No Wi-Fi in meeting room {room}"},
     {"Le Wi-Fi est extrêmement lent au {floor}e étage du site de {site} depuis hier, les visios "
      "sur Teams coupent sans arrêt.",
      "Impossible de se connecter au Wi-Fi en salle {room}, le réseau n'apparaît même pas."},
     {"Wi-Fi on floor {floor} at the {site} office has been extremely slow since yesterday; Teams "
      "calls keep freezing.",
      "Cannot join the Wi-Fi in meeting room {room}, the network does not even show up."},
     "Borne Wi-Fi redémarrée et canal changé pour éviter les interférences ; débit revenu à la normale.",
     "Restarted the access point and moved it to another channel to avoid interference; speed back to normal."},
    {"Messagerie", "Email", "Applications", "Messagerie", "exch-01", 3, 2, 9,
     {"Outlook ne reçoit plus de mails", "Boîte aux lettres pleine", "Outlook demande sans cesse le mot de passe"},
     {"Outlook stopped receiving emails", "Mailbox is full", "Outlook keeps asking for my password"},
     {"Je ne reçois plus aucun e-mail dans Outlook depuis {time}, alors que mes collègues en reçoivent. "
      "Le dernier message date d'hier soir.",
      "J'ai un message qui indique que ma boîte aux lettres est pleine ({n} Go) et je ne peux plus envoyer.",
      "Outlook me redemande mon mot de passe toutes les {n} minutes, même après l'avoir saisi correctement."},
     {"I haven't received any email in Outlook since {time}, while my colleagues do. The last message is "
      "from last night.",
      "I get a warning that my mailbox is full ({n} GB) and I can no longer send anything.",
      "Outlook asks for my password every {n} minutes, even after I type it correctly."},
     "Profil Outlook recréé et cache OST reconstruit ; quota augmenté et archivage automatique activé.",
     "Recreated the Outlook profile and rebuilt the OST cache; raised the quota and turned on auto-archive."},
    {"Accès", "Access", "Identités & Accès", "Annuaire", "ad-dc-01", 3, 2, 12,
     {"Compte bloqué", "Mot de passe expiré, impossible de le changer", "Demande d'accès au dossier {share}"},
     {"Account locked out", "Password expired and I cannot change it", "Access request for the {share} folder"},
     {"Mon compte est bloqué après plusieurs tentatives, je ne peux plus ouvrir de session sur mon poste.",
      "Mon mot de passe a expiré et la page de changement affiche l'erreur {code}.",
      "Bonjour, j'ai besoin d'un accès en lecture et écriture au dossier partagé {share} pour le projet. "
      "Mon responsable est d'accord."},
     {"My account is locked after a few attempts and I can't log on to my workstation.",
      "My password expired and the change page shows error {code}.",
      "Hello, I need read and write access to the {share} shared folder for the project. My manager approved it."},
     "Compte déverrouillé et mot de passe réinitialisé ; l'utilisateur a défini un nouveau mot de passe.",
     "Unlocked the account and reset the password; the user set a new one."},
    {"Poste de travail", "Hardware", "Poste de travail", "Parc PC", "laptop-{asset}", 3, 3, 10,
     {"Écran noir au démarrage", "Le PC portable ne charge plus", "Clavier qui ne répond plus"},
     {"Black screen at start-up", "Laptop no longer charges", "Keyboard not responding"},
     {"Mon PC portable ({asset}) reste sur un écran noir au démarrage, seul le voyant d'alimentation s'allume.",
      "Le portable ne charge plus, la batterie est à {n} % et le voyant du chargeur ne s'allume pas.",
      "Plusieurs touches du clavier ne répondent plus depuis ce matin, je ne peux pas travailler."},
     {"My laptop ({asset}) stays on a black screen at boot; only the power light comes on.",
      "The laptop does not charge anymore, the battery is at {n}% and the charger light stays off.",
      "Several keys of my keyboard stopped working this morning, I can't work."},
     "Chargeur défectueux remplacé ; batterie testée et BIOS mis à jour.",
     "Replaced the faulty charger; tested the battery and updated the BIOS."},
    {"Impression", "Printing", "Poste de travail", "Impression", "prn-{site}-{floor}", 3, 3, 7,
     {"L'imprimante du {floor}e étage n'imprime plus", "Bourrage papier récurrent"},
     {"Printer on floor {floor} does not print", "Recurring paper jam"},
     {"L'imprimante du {floor}e étage à {site} n'imprime plus rien, les travaux restent bloqués dans la file.",
      "L'imprimante fait des bourrages papier à chaque impression recto-verso."},
     {"The printer on floor {floor} in {site} prints nothing, jobs stay stuck in the queue.",
      "The printer jams on every double-sided print."},
     "File d'impression purgée et pilote réinstallé ; technicien passé pour le bac recto-verso.",
     "Cleared the print queue and reinstalled the driver; a technician fixed the duplex tray."},
    {"Logiciel", "Software", "Applications", "ERP", "sap-prd", 2, 2, 9,
     {"Erreur {code} dans {app}", "{app} plante à l'ouverture", "Installation de {app} demandée"},
     {"Error {code} in {app}", "{app} crashes on start", "Please install {app}"},
     {"Quand je valide une commande dans {app}, j'obtiens l'erreur {code} et la saisie est perdue.",
      "{app} se ferme tout seul à l'ouverture depuis la mise à jour de {time}.",
      "Pourriez-vous installer {app} sur mon poste ? J'en ai besoin pour mon nouveau poste."},
     {"When I confirm an order in {app} I get error {code} and what I typed is lost.",
      "{app} closes by itself on start since the update of {time}.",
      "Could you install {app} on my computer? I need it for my new role."},
     "Correctif applicatif installé et cache utilisateur vidé ; la validation fonctionne à nouveau.",
     "Installed the application patch and cleared the user cache; confirming orders works again."},
    {"Téléphonie", "Telephony", "Poste de travail", "Téléphonie", "teams-voice", 3, 3, 5,
     {"Pas de son dans Teams", "Mon numéro fixe ne sonne plus"},
     {"No sound in Teams calls", "My desk number no longer rings"},
     {"Pendant les appels Teams, mes interlocuteurs ne m'entendent pas alors que le micro est détecté.",
      "Mon numéro fixe ne sonne plus, les appels arrivent directement sur la messagerie vocale."},
     {"In Teams calls people can't hear me although the headset microphone is detected.",
      "My desk number does not ring anymore, calls go straight to voicemail."},
     "Périphérique audio par défaut corrigé et renvoi d'appel supprimé.",
     "Fixed the default audio device and removed a call forwarding rule."},
    {"Sécurité", "Security", "Sécurité", "Messagerie", "exch-01", 2, 1, 5,
     {"Mail suspect reçu", "J'ai cliqué sur un lien de phishing"},
     {"Suspicious email received", "I clicked on a phishing link"},
     {"J'ai reçu un mail qui se fait passer pour {app} et demande mon mot de passe. Je ne l'ai pas ouvert.",
      "J'ai cliqué par erreur sur un lien dans un mail suspect et saisi mon identifiant. Que dois-je faire ?"},
     {"I received an email pretending to be {app} and asking for my password. I did not open it.",
      "I clicked a link in a suspicious email by mistake and typed my login. What should I do?"},
     "Mail mis en quarantaine pour tous les destinataires, mot de passe réinitialisé et sessions révoquées.",
     "Quarantined the email for every recipient, reset the password and revoked active sessions."},
    {"Stockage", "Storage", "Réseau & Infrastructure", "Partages de fichiers", "fs-01", 3, 2, 6,
     {"Lecteur réseau {share} inaccessible", "Fichier supprimé par erreur sur {share}"},
     {"Network drive {share} unreachable", "File deleted by mistake on {share}"},
     {"Le lecteur réseau {share} n'est plus accessible, l'explorateur affiche « chemin introuvable ».",
      "J'ai supprimé par erreur un dossier sur {share} ce matin, est-il possible de le restaurer ?"},
     {"The {share} network drive is unreachable; Explorer says the path cannot be found.",
      "I deleted a folder on {share} by mistake this morning, can it be restored?"},
     "Dossier restauré depuis la sauvegarde de la nuit précédente ; mappage du lecteur corrigé.",
     "Restored the folder from last night's backup; fixed the drive mapping."},
    {"Arrivées & départs", "Onboarding", "Service Desk N1", "Annuaire", "ad-dc-01", 3, 3, 6,
     {"Arrivée d'un nouveau collaborateur le {date}", "Départ d'un collaborateur"},
     {"New starter on {date}", "Employee leaving"},
     {"Un nouveau collaborateur arrive le {date} dans l'équipe {team}. Merci de préparer son compte, "
      "son PC portable et ses accès à {app}.",
      "Un collaborateur quitte l'entreprise vendredi, merci de désactiver ses accès et de récupérer son matériel."},
     {"A new colleague joins the {team} team on {date}. Please prepare the account, a laptop and access to {app}.",
      "An employee is leaving on Friday, please disable the accounts and collect the equipment."},
     "Compte créé, poste préparé et accès accordés ; kit d'accueil remis au manager.",
     "Account created, laptop prepared and access granted; welcome kit handed to the manager."},
};
const int demo_nscenarios = (int)(sizeof demo_scenarios / sizeof demo_scenarios[0]);

const char *const demo_apps[] = {"SAP", "Salesforce", "Teams", "SharePoint", "Power BI",
                                 "Sage Paie", "Adobe Acrobat", "Zoom", "Jira", NULL};
const char *const demo_codes[] = {"0x80070005", "0x800CCC0E", "809", "691", "0x80004005",
                                  "E-1042", "ORA-12541", "HTTP 503", NULL};
const char *const demo_sites[] = {"paris", "lyon", "london", "lille", "nantes", NULL};
const char *const demo_shares[] = {"\\\\fs-01\\finance", "\\\\fs-01\\rh", "\\\\fs-02\\projets",
                                   "\\\\fs-02\\marketing", NULL};
const char *const demo_teams[] = {"Finance", "RH", "Marketing", "Ventes", "Logistique", NULL};

const char *const demo_first_fr[] = {"Claire", "Julien", "Sophie", "Nicolas", "Camille", "Thomas",
                                     "Léa", "Antoine", "Manon", "Hugo", "Chloé", "Mathieu",
                                     "Élodie", "Olivier", "Inès", "François", NULL};
const char *const demo_last_fr[] = {"Martin", "Bernard", "Dubois", "Durand", "Lefèvre", "Moreau",
                                    "Laurent", "Simon", "Michel", "Garnier", "Faure", "Roux", NULL};
const char *const demo_first_en[] = {"James", "Emily", "Oliver", "Charlotte", "Harry", "Amelia",
                                     "George", "Isla", "Jack", "Sophia", "Daniel", "Grace", NULL};
const char *const demo_last_en[] = {"Wilson", "Smith", "Taylor", "Brown", "Davies", "Evans",
                                    "Walker", "Wright", "Hughes", "Green", "Hall", "Clarke", NULL};
