<?php
/**
 * The dashboard's figures, read from the service's report endpoints.
 *
 * @package Vafa
 */

namespace Vafa\Reports;

use Vafa\ApiClient;
use Vafa\ApiException;

defined( 'ABSPATH' ) || exit;

/**
 * Loads what the dashboard shows for a range with the admin's token: the
 * summary, points issued/redeemed/expired per day, the cohort triangle, RFM
 * segment sizes, churn counts and, per month, the repeat purchase rate and
 * new against returning customers. Each call has its own short timeout,
 * the first failure that means the service is down stops the rest, so a
 * down service costs the page one timeout, and no call starts once the
 * page has waited BUDGET seconds in all (a slow service leaves gaps).
 */
final class Figures {
	const TIMEOUT  = 3.0;
	const BUDGET   = 10.0;
	const SEGMENTS = array( 'champions', 'loyal', 'promising', 'at_risk', 'hibernating', 'lost' );

	/**
	 * The client.
	 *
	 * @var ApiClient
	 */
	private $client;

	/**
	 * WordPress user id of the admin.
	 *
	 * @var string
	 */
	private $user;

	/**
	 * Set when a call found the service down: its message.
	 *
	 * @var string
	 */
	public $down = '';

	/**
	 * Messages of calls that failed for another reason.
	 *
	 * @var string[]
	 */
	public $errors = array();

	/**
	 * When the first call started (microtime).
	 *
	 * @var float
	 */
	private $started = 0.0;

	/**
	 * Constructor.
	 *
	 * @param ApiClient $client Connected client.
	 * @param int       $user   Admin's user id.
	 */
	public function __construct( ApiClient $client, int $user ) {
		$this->client = $client;
		$this->user   = (string) $user;
	}

	/**
	 * Everything the dashboard shows for a range.
	 *
	 * @param Range $range The range.
	 * @return array<string,mixed> summary, points (null when the service has no
	 *                             points report), points_missing, cohorts, months, rfm, churn.
	 */
	public function load( Range $range ): array {
		$q       = '?from=' . rawurlencode( $range->from ) . '&to=' . rawurlencode( $range->to );
		$summary = $this->get( '/v1/admin/reports/summary' . $q );
		$missing = false;
		$points  = $this->get( '/v1/admin/reports/points' . $q, $missing );
		// The whole history the service allows (ten years), so a month's
		// returning customers include those who first ordered before the range.
		$earliest = ( new \DateTimeImmutable( $range->to ) )->modify( '-10 years +1 day' )->format( 'Y-m-d' );
		$cohorts  = $this->get( '/v1/admin/reports/cohorts?from=' . $earliest . '&to=' . rawurlencode( $range->to ) );
		$rfm      = $this->get( '/v1/admin/reports/rfm?limit=1' );
		$churn    = $this->get( '/v1/admin/reports/churn?limit=1' );
		$months   = $range->months();
		$mixed    = self::new_and_returning( (array) ( $cohorts['cohorts'] ?? array() ), array_column( $months, 'month' ) );
		foreach ( $months as $i => $m ) {
			$s = $this->get( '/v1/admin/reports/summary?from=' . $m['from'] . '&to=' . $m['to'] );
			// A month without orders has no repeat rate (not 0 %): a gap in the chart.
			$months[ $i ]['repeat']    = null === $s || 0 === (int) $s['orders'] ? null : (float) $s['repeat_purchase_rate'];
			$months[ $i ]['new']       = $mixed[ $m['month'] ]['new'];
			$months[ $i ]['returning'] = $mixed[ $m['month'] ]['returning'];
		}
		$first_cohort = substr( $range->from, 0, 7 );
		if ( is_array( $points ) ) {
			$points['series'] = self::every_day( (array) ( $points['series'] ?? array() ), $range );
		}
		return array(
			'summary'        => $summary,
			'points'         => $points,
			'points_missing' => $missing,
			'cohorts'        => array_values(
				array_filter(
					(array) ( $cohorts['cohorts'] ?? array() ),
					static function ( $c ) use ( $first_cohort ) {
						return (string) $c['month'] >= $first_cohort;
					}
				)
			),
			'months'         => $months,
			'rfm'            => null === $rfm ? null : (array) $rfm['counts'],
			'churn'          => null === $churn ? null : array(
				'day'    => (string) $churn['day'],
				'counts' => (array) $churn['counts'],
			),
		);
	}

	/**
	 * Per month, the customers with a paid order in it who were new (their
	 * first paid order was that month: the cohort's size) and returning (an
	 * earlier cohort's customers active that month), from the cohort triangle.
	 *
	 * @param array<int,array<string,mixed>> $cohorts The service's cohorts (month, size, cells[offset, customers]).
	 * @param string[]                       $months  YYYY-MM months wanted.
	 * @return array<string,array<string,int>> month => ['new' => n, 'returning' => n].
	 */
	public static function new_and_returning( array $cohorts, array $months ): array {
		$out = array();
		foreach ( $months as $m ) {
			$out[ $m ] = array(
				'new'       => 0,
				'returning' => 0,
			);
		}
		foreach ( $cohorts as $c ) {
			$start = self::month_index( (string) $c['month'] );
			foreach ( (array) $c['cells'] as $cell ) {
				$month = self::month_name( $start + (int) $cell['offset'] );
				if ( ! isset( $out[ $month ] ) ) {
					continue;
				}
				$out[ $month ][ 0 === (int) $cell['offset'] ? 'new' : 'returning' ] += (int) $cell['customers'];
			}
		}
		return $out;
	}

	/**
	 * The points series with every day of the range, days the service did
	 * not list (nothing happened) as zeros, so the chart's time axis is even.
	 *
	 * @param array<int,array<string,mixed>> $series The service's days (day, issued, redeemed, expired).
	 * @param Range                          $range  The range.
	 * @return array<int,array<string,mixed>>
	 */
	public static function every_day( array $series, Range $range ): array {
		$by = array();
		foreach ( $series as $d ) {
			$by[ (string) $d['day'] ] = $d;
		}
		$out = array();
		$end = new \DateTimeImmutable( $range->to );
		for ( $day = new \DateTimeImmutable( $range->from ); $day <= $end; $day = $day->modify( '+1 day' ) ) {
			$key   = $day->format( 'Y-m-d' );
			$d     = $by[ $key ] ?? array();
			$out[] = array(
				'day'      => $key,
				'issued'   => (int) ( $d['issued'] ?? 0 ),
				'redeemed' => (int) ( $d['redeemed'] ?? 0 ),
				'expired'  => (int) ( $d['expired'] ?? 0 ),
			);
		}
		return $out;
	}

	/**
	 * A YYYY-MM month as a count of months.
	 *
	 * @param string $month YYYY-MM.
	 */
	private static function month_index( string $month ): int {
		return (int) substr( $month, 0, 4 ) * 12 + (int) substr( $month, 5, 2 ) - 1;
	}

	/**
	 * The YYYY-MM month of a count of months.
	 *
	 * @param int $index Count of months.
	 */
	private static function month_name( int $index ): string {
		return sprintf( '%04d-%02d', intdiv( $index, 12 ), $index % 12 + 1 );
	}

	/**
	 * One admin GET; null when it failed (the reason is kept). A 404 sets
	 * $missing: the service predates that report.
	 *
	 * @param string $path    Path and query.
	 * @param bool   $missing Set to true on a 404.
	 * @return array<string,mixed>|null
	 */
	private function get( string $path, bool &$missing = false ): ?array {
		if ( '' !== $this->down ) {
			return null;
		}
		if ( 0.0 === $this->started ) {
			$this->started = microtime( true );
		} elseif ( microtime( true ) - $this->started > self::BUDGET ) {
			$slow = __( 'The rewards service answered too slowly; some figures are missing.', 'vafa' );
			if ( ! in_array( $slow, $this->errors, true ) ) {
				$this->errors[] = $slow;
			}
			return null;
		}
		try {
			return $this->client->as_user( 'GET', $path, $this->user, 'admin', null, array(), self::TIMEOUT );
		} catch ( ApiException $e ) {
			if ( ApiClient::means_down( $e ) ) {
				$this->down = $e->getMessage();
			} elseif ( 404 === $e->status ) {
				$missing = true;
			} else {
				$this->errors[] = $e->getMessage();
			}
			return null;
		}
	}
}
