"""The GraphQL operations racebot sends, trimmed to the fields it reads.

Copied from the schema that the `worldathletics` package (1.2.4) generated from the site's own
queries; operation and argument names must match the server's, field lists may be shorter.
"""
from __future__ import annotations

CALENDAR_EVENTS = "GetCalendarEvents"
COMPETITION_RESULTS = "GetCalendarCompetitionResults"
SEARCH_COMPETITORS = "SearchCompetitors"
COMPETITOR = "GetSingleCompetitor"
COMPETITOR_RESULTS = "GetSingleCompetitorResultsDate"

QUERIES = {
    CALENDAR_EVENTS: """
query GetCalendarEvents($startDate: String, $endDate: String, $competitionGroupId: Int, $limit: Int, $offset: Int, $hideCompetitionsWithNoResults: Boolean) {
  getCalendarEvents(startDate: $startDate, endDate: $endDate, competitionGroupId: $competitionGroupId, limit: $limit, offset: $offset, hideCompetitionsWithNoResults: $hideCompetitionsWithNoResults) {
    hits
    results {
      id name venue area country rankingCategory disciplines competitionGroup competitionSubgroup
      startDate endDate dateRange hasResults
      undeterminedCompetitionPeriod { status label remark }
    }
  }
}""",
    COMPETITION_RESULTS: """
query GetCalendarCompetitionResults($competitionId: Int, $day: Int, $eventId: Int) {
  getCalendarCompetitionResults(competitionId: $competitionId, day: $day, eventId: $eventId) {
    competition { dateRange endDate name rankingCategory startDate venue }
    eventTitles {
      eventTitle
      rankingCategory
      events {
        event eventId gender isRelay perResultWind withWind
        races {
          date day race raceId raceNumber wind
          results {
            competitor { name urlSlug id iaafId birthDate hasProfile }
            mark nationality place points qualified records wind remark
          }
        }
        summary { competitor { name id teamMembers { name urlSlug id iaafId } } }
      }
    }
    options { days { date day } events { gender id name combined } }
    parameters { competitionId day eventId }
  }
}""",
    SEARCH_COMPETITORS: """
query SearchCompetitors($query: String, $gender: GenderType, $disciplineCode: String, $countryCode: String) {
  searchCompetitors(query: $query, gender: $gender, disciplineCode: $disciplineCode, countryCode: $countryCode) {
    aaAthleteId familyName givenName birthDate disciplines iaafId gender country urlSlug
  }
}""",
    COMPETITOR: """
query GetSingleCompetitor($id: Int) {
  getSingleCompetitor(id: $id) {
    basicData { id iaafId givenName familyName sexCode countryCode birthDate urlSlug }
  }
}""",
    COMPETITOR_RESULTS: """
query GetSingleCompetitorResultsDate($id: Int, $resultsByYear: Int, $resultsByYearOrderBy: String) {
  getSingleCompetitorResultsDate(id: $id, resultsByYear: $resultsByYear, resultsByYearOrderBy: $resultsByYearOrderBy) {
    parameters { resultsByYear resultsByYearOrderBy }
    activeYears
    resultsByDate {
      date competition venue indoor disciplineCode discipline country category race place mark wind
      notLegal remark competitionId eventId
    }
  }
}""",
}
