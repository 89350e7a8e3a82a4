<?php
/**
 * CSV exports of the service's churn and RFM lists, for the dashboard.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Reports\Figures;

defined( 'ABSPATH' ) || exit;

/**
 * admin-post.php?action=vafa_report_csv: checks manage_woocommerce and the
 * link's nonce, asks the service for the CSV with the admin's token and
 * streams it to the browser (through a temporary file, never whole in memory).
 */
final class ReportExport {
	const ACTION = 'vafa_report_csv';
	const STATES = array( 'at_risk', 'lapsed' );

	/**
	 * Hooks the handler.
	 */
	public static function register(): void {
		add_action( 'admin_post_' . self::ACTION, array( self::class, 'handle' ) );
	}

	/**
	 * A signed link to one export.
	 *
	 * @param string $report 'churn' or 'rfm'.
	 * @param string $which  Churn state or RFM segment.
	 */
	public static function url( string $report, string $which ): string {
		$args = array(
			'action' => self::ACTION,
			'report' => $report,
			'churn' === $report ? 'state' : 'segment' => $which,
		);
		return wp_nonce_url( add_query_arg( $args, admin_url( 'admin-post.php' ) ), self::ACTION );
	}

	/**
	 * The service path of an export, or null when the request names none.
	 *
	 * @param string $report 'churn' or 'rfm'.
	 * @param string $which  Churn state or RFM segment.
	 */
	public static function path( string $report, string $which ): ?string {
		if ( 'churn' === $report && in_array( $which, self::STATES, true ) ) {
			return '/v1/admin/reports/churn?format=csv&state=' . $which;
		}
		if ( 'rfm' === $report && in_array( $which, Figures::SEGMENTS, true ) ) {
			return '/v1/admin/reports/rfm?format=csv&segment=' . $which;
		}
		return null;
	}

	/**
	 * Streams the CSV.
	 */
	public static function handle(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to manage Vafa.', 'vafa' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( self::ACTION );
		$report = isset( $_GET['report'] ) ? sanitize_key( wp_unslash( $_GET['report'] ) ) : '';
		$which  = isset( $_GET['state'] ) ? sanitize_key( wp_unslash( $_GET['state'] ) ) : ( isset( $_GET['segment'] ) ? sanitize_key( wp_unslash( $_GET['segment'] ) ) : '' );
		$path   = self::path( $report, $which );
		$client = ApiClient::connected();
		if ( null === $path || ! $client ) {
			wp_die( esc_html__( 'Unknown export.', 'vafa' ), '', array( 'response' => 400 ) );
		}
		$file = wp_tempnam( 'vafa-' . $report );
		try {
			$type = $client->download( $path, (string) get_current_user_id(), 'admin', $file, 30.0 );
		} catch ( ApiException $e ) {
			wp_delete_file( $file );
			wp_die( esc_html( $e->getMessage() ), esc_html__( 'Export failed', 'vafa' ), array( 'response' => 502, 'back_link' => true ) );
		}
		if ( 0 !== strpos( $type, 'text/csv' ) ) {
			wp_delete_file( $file );
			wp_die( esc_html__( 'The rewards service sent an unreadable answer.', 'vafa' ), esc_html__( 'Export failed', 'vafa' ), array( 'response' => 502, 'back_link' => true ) );
		}
		nocache_headers();
		header( 'Content-Type: text/csv; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="vafa-' . $report . '-' . $which . '-' . current_time( 'Y-m-d' ) . '.csv"' );
		header( 'X-Content-Type-Options: nosniff' );
		header( 'Content-Length: ' . (string) filesize( $file ) );
		readfile( $file ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_readfile -- streams the local temporary file.
		wp_delete_file( $file );
		exit;
	}
}
