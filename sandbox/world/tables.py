"""Built-in name, street and city tables.

Plain tuples instead of Faker: a million people need millions of look-ups, and
a tuple index costs nanoseconds where a Faker provider call costs microseconds.
"""

from __future__ import annotations

#: First names by country, with the nicknames people really use for them.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob", "Bobby"), "William": ("Bill", "Will", "Billy"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"), "Katherine": ("Kate", "Kathy", "Katie"),
    "James": ("Jim", "Jamie"), "Michael": ("Mike", "Mick"), "Richard": ("Rick", "Dick"),
    "Thomas": ("Tom", "Tommy"), "Margaret": ("Maggie", "Peggy", "Meg"),
    "Jennifer": ("Jen", "Jenny"), "Christopher": ("Chris",), "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",), "Anthony": ("Tony",), "Joseph": ("Joe", "Joey"),
    "Susan": ("Sue", "Susie"), "Patricia": ("Pat", "Patty"), "Jessica": ("Jess",),
    "Alexander": ("Alex", "Sandy"), "Victoria": ("Vicky", "Tori"), "Edward": ("Ed", "Ted"),
    "Samantha": ("Sam",), "Benjamin": ("Ben",), "Rebecca": ("Becky", "Becca"),
    "Nicholas": ("Nick",), "Charlotte": ("Charlie", "Lottie"), "Johannes": ("Hannes",),
    "Wolfgang": ("Wolf",), "Alexandra": ("Alex", "Sasha"), "Friedrich": ("Fritz",),
    "Stefanie": ("Steffi",), "Christine": ("Tina",), "Maximilian": ("Max",),
    "Nathalie": ("Nath",), "Frédéric": ("Fred",), "Guillaume": ("Guigui",),
}

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("Robert", "William", "Elizabeth", "Katherine", "James", "Michael", "Jennifer",
           "John", "Mary", "Patricia", "Linda", "David", "Richard", "Susan", "Joseph",
           "Jessica", "Thomas", "Sarah", "Christopher", "Karen", "Daniel", "Nancy",
           "Matthew", "Lisa", "Anthony", "Betty", "Emily", "Ashley", "Joshua", "Amanda",
           "Andrew", "Melissa", "Brian", "Stephanie", "Kevin", "Rebecca", "Jose", "María",
           "Luis", "Mei", "Wei", "Priya", "Aaliyah", "DeShawn", "Samantha", "Benjamin"),
    "GB": ("Oliver", "George", "Harry", "Jack", "Charlotte", "Amelia", "Olivia", "Isla",
           "Emily", "Thomas", "William", "James", "Margaret", "Elizabeth", "Victoria",
           "Edward", "Rebecca", "Nicholas", "Alexander", "Samantha", "Sophie", "Chloe",
           "Lucy", "Daniel", "Matthew", "Callum", "Siobhan", "Aoife", "Rhys", "Eilidh",
           "Mohammed", "Aisha", "Katherine", "Robert", "Ellie", "Joseph"),
    "DE": ("Johannes", "Wolfgang", "Alexandra", "Friedrich", "Stefanie", "Christine",
           "Maximilian", "Lukas", "Leon", "Jonas", "Anna", "Lea", "Hannah", "Sophie",
           "Katharina", "Julia", "Thomas", "Michael", "Andreas", "Sabine", "Ursula",
           "Jürgen", "Günter", "Jörg", "Björn", "Käthe", "Müge", "Mehmet", "Ayşe",
           "Alexander", "Elisabeth", "Matthias", "Uwe", "Heike", "Dirk", "Petra"),
    "FR": ("Nathalie", "Frédéric", "Guillaume", "Jean", "Marie", "Pierre", "Camille",
           "Léa", "Chloé", "Manon", "Hélène", "François", "Nicolas", "Sébastien", "Julien",
           "Élodie", "Céline", "Thierry", "Stéphane", "Amélie", "Benoît", "Anaïs", "Jérôme",
           "Inès", "Mathieu", "Zoé", "Yasmine", "Karim", "Alexandre", "Isabelle",
           "Christine", "Thomas", "Michel", "Sylvie", "Émile", "Joël"),
}

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
           "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
           "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White",
           "Harris", "Clark", "Lewis", "Nguyễn", "Kim", "Patel", "O'Brien", "McDonald",
           "García", "Peña", "Van der Berg", "Washington", "Okafor", "Chen", "Núñez"),
    "GB": ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
           "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
           "Hall", "Wood", "Jackson", "Clarke", "O'Neill", "MacLeod", "Fitzgerald",
           "Ahmed", "Khan", "Singh", "Hughes", "Edwards", "Ó Súilleabháin", "Llewellyn",
           "Ap Rhys", "Baker", "Cooper", "Ward", "Turner", "Harrison"),
    "DE": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
           "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein",
           "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
           "Hofmann", "Hartmann", "Lange", "Weiß", "Groß", "Yılmaz", "Öztürk", "von Bülow",
           "Jäger", "Köhler", "Nguyễn", "Kowalski", "Böhm", "Lehmann"),
    "FR": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
           "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "García", "David",
           "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre",
           "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martínez", "Benoît",
           "Nguyễn", "Da Silva", "Chevalier", "Gauthier", "Perrin"),
}

STREETS: dict[str, tuple[str, ...]] = {
    "US": ("Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Pine St", "Elm St",
           "Washington Blvd", "Lakeview Dr", "Sunset Blvd", "Park Ave", "2nd St",
           "Highland Ave", "Church St", "Mill Rd", "Willow Way", "Hillcrest Rd"),
    "GB": ("High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane",
           "Manor Road", "Park Road", "Queen's Road", "Mill Lane", "The Crescent",
           "Kings Road", "Albert Street", "London Road", "Grove Road", "Bridge Street"),
    "DE": ("Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße",
           "Bergstraße", "Lindenstraße", "Kirchstraße", "Goethestraße", "Schillerstraße",
           "Am Markt", "Mühlenweg", "Friedrichstraße", "Rosenweg", "Waldstraße"),
    "FR": ("rue de la Paix", "rue Victor Hugo", "avenue Jean Jaurès", "rue Pasteur",
           "boulevard Voltaire", "rue de la République", "place de l'Église",
           "rue du Moulin", "avenue des Champs", "rue Émile Zola", "chemin des Vignes",
           "rue Nationale", "allée des Tilleuls", "rue Gambetta", "quai de la Loire"),
}

#: city, province/region, postcode pattern (# digit, A letter), landline area code,
#: subscriber digits, latitude, longitude, timezone, gmt offset (hours).
CITIES: dict[str, tuple[tuple, ...]] = {
    "US": (("New York", "NY", "100##", "212", 7, 40.71, -74.01, "America/New_York", -5),
           ("Los Angeles", "CA", "900##", "213", 7, 34.05, -118.24, "America/Los_Angeles", -8),
           ("Chicago", "IL", "606##", "312", 7, 41.88, -87.63, "America/Chicago", -6),
           ("Houston", "TX", "770##", "713", 7, 29.76, -95.37, "America/Chicago", -6),
           ("Seattle", "WA", "981##", "206", 7, 47.61, -122.33, "America/Los_Angeles", -8),
           ("Boston", "MA", "021##", "617", 7, 42.36, -71.06, "America/New_York", -5),
           ("Denver", "CO", "802##", "303", 7, 39.74, -104.99, "America/Denver", -7),
           ("Austin", "TX", "787##", "512", 7, 30.27, -97.74, "America/Chicago", -6)),
    "GB": (("London", "", "SW# #AA", "20", 8, 51.51, -0.13, "Europe/London", 0),
           ("Manchester", "", "M## #AA", "161", 7, 53.48, -2.24, "Europe/London", 0),
           ("Leeds", "", "LS# #AA", "113", 7, 53.80, -1.55, "Europe/London", 0),
           ("Bristol", "", "BS# #AA", "117", 7, 51.45, -2.59, "Europe/London", 0),
           ("Edinburgh", "", "EH# #AA", "131", 7, 55.95, -3.19, "Europe/London", 0),
           ("Cardiff", "", "CF## #AA", "29", 8, 51.48, -3.18, "Europe/London", 0)),
    "DE": (("Berlin", "Berlin", "10###", "30", 7, 52.52, 13.40, "Europe/Berlin", 1),
           ("München", "Bayern", "80###", "89", 7, 48.14, 11.58, "Europe/Berlin", 1),
           ("Hamburg", "Hamburg", "20###", "40", 7, 53.55, 9.99, "Europe/Berlin", 1),
           ("Köln", "Nordrhein-Westfalen", "50###", "221", 7, 50.94, 6.96,
            "Europe/Berlin", 1),
           ("Frankfurt am Main", "Hessen", "60###", "69", 7, 50.11, 8.68, "Europe/Berlin", 1),
           ("Düsseldorf", "Nordrhein-Westfalen", "40###", "211", 7, 51.23, 6.78,
            "Europe/Berlin", 1)),
    "FR": (("Paris", "Île-de-France", "750##", "1", 8, 48.86, 2.35, "Europe/Paris", 1),
           ("Lyon", "Auvergne-Rhône-Alpes", "6900#", "4", 8, 45.76, 4.84, "Europe/Paris", 1),
           ("Marseille", "Provence-Alpes-Côte d'Azur", "130##", "4", 8, 43.30, 5.37,
            "Europe/Paris", 1),
           ("Toulouse", "Occitanie", "310##", "5", 8, 43.60, 1.44, "Europe/Paris", 1),
           ("Nantes", "Pays de la Loire", "440##", "2", 8, 47.22, -1.55, "Europe/Paris", 1),
           ("Lille", "Hauts-de-France", "590##", "3", 8, 50.63, 3.06, "Europe/Paris", 1)),
}

COUNTRY_NAMES = {"US": "United States", "GB": "United Kingdom", "DE": "Germany",
                 "FR": "France"}
#: Odoo res.country ids as a fresh database has them.
ODOO_COUNTRY_IDS = {"US": 233, "GB": 231, "DE": 57, "FR": 75}
COUNTRY_CODES = {"US": "1", "GB": "44", "DE": "49", "FR": "33"}
#: Mobile prefixes (national significant number, without trunk 0) and how many
#: subscriber digits follow.
MOBILE_PREFIXES = {"US": (("", 0),), "GB": (("74", 8), ("77", 8), ("79", 8)),
                   "DE": (("151", 8), ("160", 7), ("172", 7), ("176", 8)),
                   "FR": (("6", 8), ("7", 8))}
COUNTRY_WEIGHTS = (("US", 0.35), ("GB", 0.25), ("DE", 0.25), ("FR", 0.15))
LANGUAGES = {"US": "en", "GB": "en", "DE": "de", "FR": "fr"}

EMAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com",
                 "hotmail.com", "icloud.com", "proton.me", "gmx.de", "web.de", "orange.fr",
                 "free.fr", "btinternet.com", "aol.com")
WORK_DOMAINS = ("acme-gmbh.de", "northwind.co.uk", "contoso.com", "initech.com",
                "globex.fr", "umbrella-corp.com", "hooli.com", "stark-industries.com")
COMPANY_NAMES = ("Acme GmbH", "Northwind Traders Ltd", "Contoso Inc.", "Initech LLC",
                 "Globex SARL", "Umbrella Corp", "Hooli", "Stark Industries",
                 "Wayne Enterprises", "Müller & Söhne KG", "Dupont Frères SA",
                 "Tyrell Corporation", "Soylent Ltd", "Vandelay Industries",
                 "Bäckerei Schäfer", "Café Lumière", "Pied Piper", "Cyberdyne Systems")

PRODUCTS = (("TSH-001", "Organic Cotton T-Shirt", "24.90"), ("HOD-002", "Merino Hoodie", "89.00"),
            ("MUG-003", "Stoneware Mug", "14.50"), ("BAG-004", "Canvas Tote Bag", "19.00"),
            ("CAP-005", "Baseball Cap", "22.00"), ("SCK-006", "Wool Socks (3-pack)", "18.90"),
            ("BTL-007", "Steel Water Bottle", "29.95"), ("NBK-008", "Dotted Notebook", "12.00"),
            ("JKT-009", "Rain Jacket", "149.00"), ("SNK-010", "Canvas Sneakers", "79.90"),
            ("GFT-011", "Gift Card", "50.00"), ("PST-012", "Art Print A3", "35.00"))

OCCUPATIONS = ("Baker", "Nurse", "Teacher", "Software developer", "Gardener", "Designer",
               "Student", "Photographer", "Runner", "Coffee addict", "Dad of two",
               "Mum of three", "Architect", "Chef", "Cyclist", "Book lover", "Engineer")
EMOJI = ("✨", "🌿", "☕", "🚴", "📚", "🎧", "🌍", "💛", "🔥", "🐶")
