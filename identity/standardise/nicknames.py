"""Common English given-name nicknames and spelling variants, by canonical name.

A shop customer "Bob Lee" and a CRM contact "Robert Lee" at the same address are
one person; the household guard compares canonical first names so they match,
while "Bob" and "Jane" at the same inbox stay apart. Some nicknames belong to
several names (Chris, Alex, Sam); they map to all of them and two names are
compatible when their canonical sets meet.
"""

from __future__ import annotations

CANONICAL_NICKNAMES: dict[str, tuple[str, ...]] = {
    "abigail": ("abby", "abbie", "gail"),
    "albert": ("al", "bert", "bertie"),
    "alexander": ("alex", "alec", "al", "sasha", "xander", "sandy"),
    "alexandra": ("alex", "alexa", "lexi", "sandra", "sasha", "sandy"),
    "alfred": ("alf", "alfie", "fred", "freddie"),
    "allison": ("ally", "allie", "alison"),
    "amanda": ("mandy", "manda"),
    "andrew": ("andy", "drew"),
    "anthony": ("tony", "ant", "antony"),
    "arthur": ("art", "artie"),
    "barbara": ("barb", "babs", "barbie"),
    "benjamin": ("ben", "benny", "benji"),
    "bradley": ("brad",),
    "charles": ("charlie", "chuck", "chas", "chaz", "chip"),
    "charlotte": ("charlie", "lottie", "lotte"),
    "christina": ("chris", "chrissy", "tina", "kristina", "christine", "kristine", "kris"),
    "christopher": ("chris", "kit", "topher", "kris", "christoph"),
    "clifford": ("cliff",),
    "cynthia": ("cindy",),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davey", "davy"),
    "deborah": ("deb", "debbie", "debby", "debra"),
    "donald": ("don", "donnie"),
    "dorothy": ("dot", "dottie", "dolly"),
    "douglas": ("doug",),
    "edward": ("ed", "eddie", "eddy", "ted", "teddy", "ned"),
    "eleanor": ("ellie", "nell", "nellie", "elle", "nora"),
    "elizabeth": ("liz", "lizzie", "lizzy", "beth", "betty", "betsy", "eliza", "libby", "lisa",
                  "bess", "bessie", "elisabeth", "elsie", "liza"),
    "emily": ("em", "emmy", "millie"),
    "eugene": ("gene",),
    "frances": ("fran", "frannie", "frankie"),
    "francis": ("frank", "frankie", "fran"),
    "frederick": ("fred", "freddy", "freddie", "fritz", "frederic", "friedrich"),
    "gabriel": ("gabe",),
    "gabriella": ("gabby", "gabi", "ella", "gabrielle"),
    "gerald": ("gerry", "jerry"),
    "guillaume": ("guigui", "guille"),
    "gregory": ("greg",),
    "harold": ("harry", "hal"),
    "henry": ("harry", "hank", "hal"),
    "isabella": ("bella", "izzy", "isabel", "isabelle", "belle"),
    "jacob": ("jake", "jack"),
    "james": ("jim", "jimmy", "jamie", "jem"),
    "janet": ("jan", "jenny"),
    "jeffrey": ("jeff", "geoffrey", "geoff"),
    "jennifer": ("jen", "jenn", "jenny", "jenni", "jennie"),
    "jessica": ("jess", "jessie"),
    "john": ("jack", "johnny", "jon", "johnnie", "jonny", "jock"),
    "jonathan": ("jon", "jonny", "johnny", "nathan"),
    "johannes": ("hannes", "hans", "jo", "johann"),
    "joseph": ("joe", "joey", "jo", "jos"),
    "josephine": ("jo", "josie", "jojo", "fina"),
    "joshua": ("josh",),
    "judith": ("judy", "jude"),
    "katherine": ("kate", "katie", "kathy", "cathy", "kat", "kathryn", "katharine", "catherine",
                  "kay", "katy", "kit", "kitty"),
    "kenneth": ("ken", "kenny"),
    "lawrence": ("larry", "laurence", "laurie"),
    "leonard": ("leo", "len", "lenny", "leon"),
    "louis": ("lou", "louie", "lewis"),
    "margaret": ("maggie", "meg", "peggy", "marge", "margie", "greta", "daisy", "madge", "peg",
                 "megan", "rita"),
    "matthew": ("matt", "matty", "mat"),
    "maximilian": ("max", "maxi"),
    "michael": ("mike", "mikey", "mick", "mickey", "micky", "mich"),
    "natalie": ("nat", "nathalie", "natalia", "nath", "talia"),
    "nathaniel": ("nate", "nat", "nathan"),
    "nicholas": ("nick", "nicky", "nico", "nic", "klaus"),
    "nicole": ("nicky", "nikki", "nic", "colette"),
    "oliver": ("ollie", "olly"),
    "olivia": ("liv", "livvy", "ollie"),
    "pamela": ("pam",),
    "patricia": ("pat", "patty", "patsy", "trish", "tricia"),
    "patrick": ("pat", "paddy", "rick"),
    "peter": ("pete",),
    "philip": ("phil", "pip", "phillip"),
    "rebecca": ("becky", "becca", "beck"),
    "richard": ("rick", "ricky", "rich", "richie", "dick", "rico"),
    "robert": ("bob", "bobby", "rob", "robbie", "robby", "bert", "robin"),
    "ronald": ("ron", "ronnie"),
    "samantha": ("sam", "sammy", "sami"),
    "samuel": ("sam", "sammy", "sammie"),
    "sarah": ("sara", "sally", "sadie"),
    "stephanie": ("steph", "stephie", "stefanie", "steffi", "steffie"),
    "stephen": ("steve", "stevie", "steven", "stephan", "stefan"),
    "susan": ("sue", "susie", "suzy", "suzanne", "susanna", "susannah"),
    "theodore": ("ted", "teddy", "theo"),
    "thomas": ("tom", "tommy", "thom"),
    "timothy": ("tim", "timmy"),
    "valerie": ("val",),
    "victoria": ("vicky", "vicki", "tori", "vic"),
    "vincent": ("vince", "vinny", "vin"),
    "virginia": ("ginny", "ginger"),
    "walter": ("walt", "wally"),
    "wolfgang": ("wolf", "wolfi"),
    "william": ("bill", "billy", "will", "willie", "willy", "liam", "wilhelm"),
    "zachary": ("zach", "zack", "zak"),
}


def _invert(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    index: dict[str, set[str]] = {}
    for canonical, nicknames in table.items():
        index.setdefault(canonical, set()).add(canonical)
        for nickname in nicknames:
            index.setdefault(nickname, set()).add(canonical)
    # A nickname may be a given name in its own right (Nathan, Liam): keep it last.
    return {
        name: tuple(sorted(found)) + (() if name in found else (name,))
        for name, found in index.items()
    }


#: folded first name -> canonical names it may stand for; the first is the primary.
NAME_TO_CANONICALS: dict[str, tuple[str, ...]] = _invert(CANONICAL_NICKNAMES)


def canonicals(first_name: str | None) -> tuple[str, ...]:
    """Canonical names a folded first name may stand for, primary first (itself if unknown)."""
    if not first_name:
        return ()
    return NAME_TO_CANONICALS.get(first_name, (first_name,))

