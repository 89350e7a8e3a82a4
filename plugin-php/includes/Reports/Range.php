<?php
/**
 * The dashboard's date range: read from the request, bounded, split in months.
 *
 * @package Vafa
 */

namespace Vafa\Reports;

defined( 'ABSPATH' ) || exit;

/**
 * Two store-local days (YYYY-MM-DD), from and to, both included. A range is
 * read from a preset, from two ISO dates (the browser's date inputs) or, in
 * the Persian calendar, from Jalali year, month and day fields converted by
 * ICU (PHP intl); it never ends after today and spans at most ten years (the
 * service's limit for a period).
 */
final class Range {
	const PRESETS = array( '30d', '90d', '12m', 'ytd' );

	/**
	 * First day, YYYY-MM-DD.
	 *
	 * @var string
	 */
	public $from;

	/**
	 * Last day, YYYY-MM-DD.
	 *
	 * @var string
	 */
	public $to;

	/**
	 * The preset the range came from, or ''.
	 *
	 * @var string
	 */
	public $preset;

	/**
	 * Constructor.
	 *
	 * @param string $from   First day.
	 * @param string $to     Last day.
	 * @param string $preset Preset name or ''.
	 */
	public function __construct( string $from, string $to, string $preset = '' ) {
		$this->from   = $from;
		$this->to     = $to;
		$this->preset = $preset;
	}

	/**
	 * The range a preset means on a day.
	 *
	 * @param string $preset One of PRESETS.
	 * @param string $today  YYYY-MM-DD.
	 */
	public static function preset( string $preset, string $today ): self {
		$t = new \DateTimeImmutable( $today );
		switch ( $preset ) {
			case '30d':
				return new self( $t->modify( '-29 days' )->format( 'Y-m-d' ), $today, $preset );
			case '90d':
				return new self( $t->modify( '-89 days' )->format( 'Y-m-d' ), $today, $preset );
			case 'ytd':
				return new self( $t->format( 'Y' ) . '-01-01', $today, $preset );
		}
		return new self( $t->modify( '-1 year +1 day' )->format( 'Y-m-d' ), $today, '12m' );
	}

	/**
	 * Reads the range from query fields (already unslashed): vafa_preset, or
	 * vafa_from / vafa_to (YYYY-MM-DD), or vafa_from_jy/jm/jd and
	 * vafa_to_jy/jm/jd (a Jalali date). Anything unreadable falls back to the
	 * last 12 months; a range ending after today ends today; from after to
	 * swaps; more than ten years keeps the last ten.
	 *
	 * @param array<string,mixed> $query Query fields.
	 * @param string              $today YYYY-MM-DD, store-local.
	 */
	public static function from_query( array $query, string $today ): self {
		$preset = isset( $query['vafa_preset'] ) ? (string) $query['vafa_preset'] : '';
		if ( in_array( $preset, self::PRESETS, true ) ) {
			return self::preset( $preset, $today );
		}
		$from = self::field_day( $query, 'vafa_from' );
		$to   = self::field_day( $query, 'vafa_to' );
		if ( null === $from && null === $to ) {
			return self::preset( '12m', $today );
		}
		$to   = null === $to || $to > $today ? $today : $to;
		$from = $from ?? self::preset( '12m', $to )->from;
		if ( $from > $to ) {
			list( $from, $to ) = array( $to, $from );
		}
		$earliest = ( new \DateTimeImmutable( $to ) )->modify( '-10 years +1 day' )->format( 'Y-m-d' );
		return new self( max( $from, $earliest ), $to );
	}

	/**
	 * A day from an ISO field or its Jalali parts, or null.
	 *
	 * @param array<string,mixed> $query Query fields.
	 * @param string              $name  Field name.
	 */
	private static function field_day( array $query, string $name ): ?string {
		if ( isset( $query[ $name . '_jy' ], $query[ $name . '_jm' ], $query[ $name . '_jd' ] ) ) {
			return self::from_jalali( (int) $query[ $name . '_jy' ], (int) $query[ $name . '_jm' ], (int) $query[ $name . '_jd' ] );
		}
		return isset( $query[ $name ] ) ? self::valid_day( (string) $query[ $name ] ) : null;
	}

	/**
	 * The day when the text is a real YYYY-MM-DD date, or null.
	 *
	 * @param string $day Text.
	 */
	public static function valid_day( string $day ): ?string {
		if ( ! preg_match( '/^\d{4}-\d{2}-\d{2}$/', $day ) ) {
			return null;
		}
		$d = \DateTimeImmutable::createFromFormat( '!Y-m-d', $day );
		return $d && $d->format( 'Y-m-d' ) === $day && $day >= '1970-01-01' ? $day : null;
	}

	/**
	 * The Gregorian day of a Jalali date (month 1 = Farvardin), through ICU's
	 * Persian calendar; null when the date does not exist (31 Esfand in a
	 * common year) or intl is missing.
	 *
	 * @param int $year  Jalali year.
	 * @param int $month 1 to 12.
	 * @param int $day   1 to 31.
	 */
	public static function from_jalali( int $year, int $month, int $day ): ?string {
		if ( ! class_exists( '\IntlCalendar' ) || $year < 1349 || $year > 1500 || $month < 1 || $month > 12 || $day < 1 || $day > 31 ) {
			return null;
		}
		$cal = \IntlCalendar::createInstance( new \DateTimeZone( 'UTC' ), 'fa_IR@calendar=persian' );
		$cal->clear();
		$cal->setLenient( false );
		$cal->set( $year, $month - 1, $day, 12, 0, 0 );
		$ms = $cal->getTime();
		if ( false === $ms || intl_is_failure( $cal->getErrorCode() ) ) {
			return null;
		}
		return gmdate( 'Y-m-d', (int) floor( $ms / 1000 ) );
	}

	/**
	 * A Gregorian day's Jalali year, month (1 = Farvardin) and day, through ICU.
	 *
	 * @param string $day YYYY-MM-DD.
	 * @return int[]|null [year, month, day], or null without intl.
	 */
	public static function to_jalali( string $day ): ?array {
		if ( ! class_exists( '\IntlCalendar' ) ) {
			return null;
		}
		$cal = \IntlCalendar::createInstance( new \DateTimeZone( 'UTC' ), 'fa_IR@calendar=persian' );
		$cal->setTime( strtotime( $day . ' 12:00:00 UTC' ) * 1000.0 );
		return array( $cal->get( \IntlCalendar::FIELD_YEAR ), $cal->get( \IntlCalendar::FIELD_MONTH ) + 1, $cal->get( \IntlCalendar::FIELD_DAY_OF_MONTH ) );
	}

	/**
	 * The calendar months the range touches, each clipped to the range, the
	 * latest $max of them: [ ['month' => 'YYYY-MM', 'from' => day, 'to' => day], ... ].
	 *
	 * @param int $max Most months returned.
	 * @return array<int,array<string,string>>
	 */
	public function months( int $max = 24 ): array {
		$out   = array();
		$month = new \DateTimeImmutable( substr( $this->from, 0, 7 ) . '-01' );
		$last  = substr( $this->to, 0, 7 );
		while ( $month->format( 'Y-m' ) <= $last ) {
			$end   = $month->modify( 'last day of this month' )->format( 'Y-m-d' );
			$out[] = array(
				'month' => $month->format( 'Y-m' ),
				'from'  => max( $this->from, $month->format( 'Y-m-d' ) ),
				'to'    => min( $this->to, $end ),
			);
			$month = $month->modify( 'first day of next month' );
		}
		return array_slice( $out, -$max );
	}

	/**
	 * The query arguments that select this range.
	 *
	 * @return array<string,string>
	 */
	public function query_args(): array {
		return array(
			'vafa_from' => $this->from,
			'vafa_to'   => $this->to,
		);
	}
}
